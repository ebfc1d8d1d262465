"""The evaluation Celery worker as it runs in production — `celery -A … worker`, a separate process on
Redis — killed with SIGKILL in the middle of applying the ledger, and its Redis restarted with tasks queued
and under a running worker. Every test ends with the tallies equal to a recomputation from the ledger and
every record booked exactly once."""

import json
import os
import sys
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import redis
from celery import Celery

from linli_evaluation.database import messaging
from linli_evaluation.events.consumers import HANDLERS
from linli_shared.events.consumer import ConsumerRunner

pytestmark = [pytest.mark.integration, pytest.mark.slow]
HERE = Path(__file__).resolve().parent


@dataclass
class Broker:
    """One Redis, a queue and key prefix of this test's own, and how to start workers and send tasks."""

    url: str
    queue: str
    prefix: str
    env: dict[str, str]

    def send(self, task: str, *args: str) -> None:
        """As the beat would: a fresh producer each time, so it declares the queue on whatever Redis runs."""
        app = Celery("reliability-beat", broker=self.url)
        app.conf.broker_transport_options = {"global_keyprefix": self.prefix}
        try:
            app.send_task(task, args=args, queue=self.queue)
        finally:
            app.close()

    def worker(self, processes):
        return processes.start(
            [
                sys.executable,
                *("-m", "celery", "--quiet", "-A", "reliability_celery_app:celery", "worker"),
                *("--pool", "solo", "--without-heartbeat", "--without-gossip", "--without-mingle"),
                *("--loglevel", "WARNING", "--hostname", f"rel-{uuid.uuid4().hex[:8]}@%h"),
            ],
            self.env,
        )

    def _redis(self) -> redis.Redis:
        return redis.Redis.from_url(self.url)

    def queued(self) -> int:
        with self._redis() as client:
            return int(client.llen(self.prefix + self.queue))

    def unacked(self) -> list[dict]:
        """The task messages a worker took but has not acknowledged (late acks: until the task ends)."""
        with self._redis() as client:
            return [json.loads(raw)[0] for raw in client.hvals(self.prefix + "unacked")]

    def idle(self) -> bool:
        return self.queued() == 0 and not self.unacked()


@pytest.fixture
def broker_on(evaluation_settings, service_env):
    def make(url: str) -> Broker:
        queue, prefix = f"linli.evaluation.rel-{uuid.uuid4().hex[:8]}", f"rel{uuid.uuid4().hex[:8]}:"
        env = service_env(evaluation_settings, CELERY_BROKER_URL=url)
        env["LINLI_RELIABILITY_QUEUE"], env["LINLI_RELIABILITY_KEYPREFIX"] = queue, prefix
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")]))
        return Broker(url, queue, prefix, env)

    return make


@pytest.fixture
def book(evaluation_database, stream):
    """Scheduling's records (with some adjusted and voided) booked through the consumer runner: ledger
    entries waiting to be applied."""
    runner = ConsumerRunner(
        f"evaluation-rel-{uuid.uuid4().hex[:8]}", evaluation_database, messaging, HANDLERS, None, "unused"
    )

    def add(committee, records: int) -> None:
        volunteers = [uuid.uuid4() for _ in range(5)]
        events = [
            stream.recorded(
                committee,
                volunteers[n % 5],
                hours=1.0 + n % 4,
                on=date(2026, 10 + n % 2, 1 + n),
                late_entry=n % 6 == 0,
            )
            for n in range(records)
        ]
        ids = [uuid.UUID(event["data"]["record_id"]) for event in events]
        events += [stream.adjusted(record_id, -0.5) for record_id in ids[1::4]]
        events += [stream.voided(record_id) for record_id in ids[2::7]]
        for event in events:
            assert runner.handle("scheduling.service_records", stream.raw(event), []).handled

    return add


def test_a_worker_killed_mid_task_leaves_nothing_half_applied_and_the_ledger_is_applied_once(
    committees,
    stream,
    book,
    evaluation_database,
    redis_url,
    broker_on,
    processes,
    tally_locked,
    blocked_by,
    pending,
    apply_all,
    wait_for,
    check_exactly_once,
):
    a, b = committees
    book(a, 4)
    apply_all(evaluation_database, committees)  # A's tallies exist: the next application updates them
    book(a, 24)
    book(b, 12)
    waiting = pending(evaluation_database, a)
    assert waiting > 24
    broker = broker_on(redis_url)

    with tally_locked(evaluation_database, a) as holder:
        first = broker.worker(processes)
        broker.send("evaluation.tally_pending")
        # the task for A has marked its entries applied and waits to add them to A's tallies
        wait_for(
            lambda: processes.running(first) and blocked_by(evaluation_database, holder) == 1,
            "the task to block mid-transaction",
            60,
        )
        [held] = broker.unacked()
        assert held["headers"]["task"] == "evaluation.apply_ledger"
        assert str(a.id) in held["headers"]["argsrepr"]
        processes.kill(first)
    # the killed worker's transaction never committed, and its task is still held, unacknowledged
    assert pending(evaluation_database, a) == waiting
    assert [message["headers"]["id"] for message in broker.unacked()] == [held["headers"]["id"]]

    second = broker.worker(processes)
    broker.send("evaluation.tally_pending")  # the next beat tick queues every committee with pending entries
    # ... and after the visibility timeout the killed worker's task is redelivered too: both run, once
    wait_for(
        lambda: (
            processes.running(second)
            and broker.idle()
            and pending(evaluation_database, a) == pending(evaluation_database, b) == 0
        ),
        "the ledger applied and the redelivered task done",
        60,
    )
    assert processes.stop(second) == 0

    check_exactly_once(evaluation_database, stream)


def test_tasks_lost_with_a_restarted_redis_are_queued_again_and_a_running_worker_reconnects(
    committees,
    stream,
    book,
    evaluation_database,
    private_redis,
    broker_on,
    processes,
    pending,
    wait_for,
    check_exactly_once,
):
    a, b = committees
    book(a, 10)
    book(b, 6)
    broker = broker_on(private_redis.url)
    broker.send("evaluation.tally_pending")
    broker.send("evaluation.apply_ledger", str(a.id), a.path)
    assert broker.queued() == 2
    private_redis.restart()
    assert broker.queued() == 0, "the queued tasks went with the restart"

    worker = broker.worker(processes)

    def applied() -> bool:
        return (
            processes.running(worker)
            and broker.idle()
            and pending(evaluation_database, a) == pending(evaluation_database, b) == 0
        )

    broker.send("evaluation.tally_pending")  # the beat's next tick finds the committees still pending
    wait_for(applied, "the ledger applied after the restart", 60)
    check_exactly_once(evaluation_database, stream)

    # Redis restarted under the running worker: it reconnects and takes the next tick's tasks
    book(a, 5)
    book(b, 5)
    private_redis.restart()
    broker.send("evaluation.tally_pending")
    wait_for(applied, "the ledger applied by the reconnected worker", 60)
    assert processes.stop(worker) == 0

    check_exactly_once(evaluation_database, stream)
