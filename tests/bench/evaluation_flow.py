"""Evaluation with a district's two years: 250 committees × 4,000 ledger entries (1,000,000 in all).

Reconciliation: the nightly job's `reconcile` over every committee, one after another, against one raw
GROUP BY over the same million rows (the same shape `recompute` uses per committee) on the same database.
Tally lag: scheduling's `service_record.recorded` events produced straight to Kafka at a steady rate, the
evaluation consumer and the Celery worker (`create_worker`, on Redis) in processes of their own as deployed,
`evaluation.tally_pending` sent on the production beat interval and, separately, again as soon as the worker
is idle; from the event's production to its tally row committed, against production to the consumer's inbox
row committed for the same events. Audit draw: the pure draw over 6,000 committees' months against sorting
the same records by a plain random key, and `draw_plan` end to end for a sample of committees."""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import random
import statistics
import sys
import threading
import time
import uuid
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import redis
from celery import Celery
from celery.exceptions import SecurityWarning
from districts import deliver_tenant_events, make_district
from sqlalchemy import text

from linli_evaluation.audits.draw import Candidate, Rules, draw
from linli_evaluation.audits.tasks import commit_plan, draw_plan
from linli_evaluation.config import EvaluationSettings
from linli_evaluation.database import messaging
from linli_evaluation.events.consumers import CONSUMED_TOPICS, HANDLERS
from linli_evaluation.facts import contracts
from linli_evaluation.ledger.tallying import apply_pending, reconcile
from linli_evaluation.worker import create_worker
from linli_scheduling.events import types as scheduling_events
from linli_shared.clock import SHANGHAI, local_date
from linli_shared.db import Database
from linli_shared.events.envelope import CloudEvent, make_event
from linli_shared.events.kafka import ensure_topics, make_producer, qualified
from linli_shared.events.processes import run_consumer
from linli_shared.tenancy import ROOT_LABEL, Role, TenantContext
from linli_shared.testing import backing_service, fresh_service_database

TOWNS, COMMITTEES = 10, 250
#: each committee's two years of ledger: entries, and the volunteers, projects and grids they spread over
ENTRIES, VOLUNTEERS, PROJECTS, GRIDS, DAYS = 4_000, 40, 6, 8, 730
#: committees whose stored tallies the benchmark spoils before the reconciliation, one tally each
SPOILED = 10
#: sustained `service_record.recorded` events per second, and for how long, per trigger mode
RATE, SECONDS = 50.0, 15
WARM_UP = 20
#: how often the benchmark looks for handled events and updated tallies (the resolution of the lags)
POLL = 0.005
DEADLINE = 120.0
#: the audit draw: committees, service records per committee's month, activities (strata), volunteers
DRAW_COMMITTEES, DRAW_RECORDS, DRAW_ACTIVITIES, DRAW_VOLUNTEERS = 6_000, 150, 4, 40
#: committees whose month is also drawn end to end (`draw_plan`: read, draw, store, tasks, event)
PLAN_COMMITTEES = 50
TALLY_TASK = "evaluation.tally_pending"


@dataclass(frozen=True)
class Committee:
    id: uuid.UUID
    path: str

    def volunteer(self, n: int) -> uuid.UUID:
        return derived(self.id, "v", n)

    def project(self, n: int) -> uuid.UUID:
        return derived(self.id, "p", n)


def derived(committee_id: uuid.UUID, kind: str, n: int) -> uuid.UUID:
    """The same id SQL derives as `md5(<committee id> || ':<kind>' || n)::uuid`."""
    return uuid.UUID(hashlib.md5(f"{committee_id}:{kind}{n}".encode()).hexdigest())


def measure(
    admin_url: str, repo: Path, identity: Database, bootstrap: str, redis_url: str
) -> list[tuple[str, str, str]]:
    urls = fresh_service_database(admin_url, "evaluation", repo / "services" / "evaluation" / "alembic.ini")
    settings = EvaluationSettings(
        database_url=urls.app,
        migration_database_url=urls.owner,
        signing_key="bench-signing-key-" + "5" * 32,
        kafka_bootstrap=bootstrap,
        kafka_namespace=f"bench-eval-{uuid.uuid4().hex[:6]}",
        kafka_topic_partitions=6,
        celery_broker_url=redis_url,
        log_json=False,
        log_level="WARNING",
    )
    database = Database.from_url(settings.database_url, pool_size=4)
    district_path, committees = load_district(identity, database)
    load_ledger(urls.owner, committees)
    rows = [reconciliation(database, urls.owner, district_path, committees)]
    rows += tally_lag(settings, database, committees)
    rows += audit_draws(database, urls.owner, committees)
    database.dispose()
    return rows


# the district -------------------------------------------------------------------------------------------


def load_district(identity: Database, database: Database) -> tuple[str, list[Committee]]:
    """Committees made in identity, known to evaluation through its consumer of identity's tenant events."""
    suffix = uuid.uuid4().hex[:6]
    district, nodes = make_district(
        identity, "评估压测区", f"eval-d-{suffix}", f"e-{suffix}", TOWNS, COMMITTEES
    )
    deliver_tenant_events(identity, database, district.path, "linli-evaluation", messaging, HANDLERS)
    return district.path, [Committee(node.id, node.path) for node in nodes]


def owner_connection(owner_url: str) -> psycopg.Connection[Any]:
    """The tables' owner, acting at the root (row-level security is forced even on the owner)."""
    connection = psycopg.connect(owner_url, autocommit=True)
    connection.execute("select set_config('app.tenant_path', %s, false)", (ROOT_LABEL,))
    return connection


def load_ledger(owner_url: str, committees: list[Committee]) -> None:
    """Volunteers and 4,000 applied ledger entries per committee over two years, bulk-loaded by the owner:
    mostly recorded hours (0.5–4 h, a seventh of them unverified), every 50th an adjustment taking half an
    hour back; a fifth without a project, a tenth without a grid. The stored tallies are the sums of those
    entries, computed by the database in one statement, except for the first committee, whose entries
    `apply_pending` applies as the worker does (the reconciliation checks the two agree)."""
    first_day = local_date(datetime.now(UTC)) - timedelta(days=DAYS)
    ids, paths = [c.id for c in committees], [c.path for c in committees]
    with owner_connection(owner_url) as owner:
        owner.execute(
            """
            insert into volunteer_facts (tenant_id, volunteer_id, tenant_path, name, tier, status, joined_on)
            select c.id, md5(c.id::text || ':v' || n)::uuid, c.path::ltree, '志愿者' || n,
                   case when n < 4 then 'backbone' else 'volunteer' end, 'active', %(first)s::date
            from unnest(%(ids)s::uuid[], %(paths)s::text[]) as c(id, path), generate_series(0, %(v)s - 1) n
            """,
            {"ids": ids, "paths": paths, "first": first_day, "v": VOLUNTEERS},
        )
        owner.execute(
            """
            insert into ledger_entries (tenant_id, id, tenant_path, source_id, kind, record_id,
                volunteer_id, project_id, grid_id, service_date, verified_delta, unverified_delta,
                created_at, applied_at)
            select c.id, gen_random_uuid(), c.path::ltree, gen_random_uuid(),
                   case when n %% 50 = 49 then 'adjusted' else 'recorded' end, gen_random_uuid(),
                   md5(c.id::text || ':v' || (n * 7 %% %(v)s))::uuid,
                   case when n %% 5 = 0 then null else md5(c.id::text || ':p' || (n %% %(p)s))::uuid end,
                   case when n %% 10 = 3 then null else md5(c.id::text || ':g' || (n %% %(g)s))::uuid end,
                   %(first)s::date + (n * 7919 %% %(days)s),
                   case when n %% 50 = 49 then -0.5 when n %% 7 = 1 then 0 else (n %% 8 + 1) * 0.5 end,
                   case when n %% 7 = 1 and n %% 50 <> 49 then (n %% 8 + 1) * 0.5 else 0 end,
                   now() - interval '1 day', now() - interval '1 day'
            from unnest(%(ids)s::uuid[], %(paths)s::text[]) as c(id, path),
                 generate_series(0, %(entries)s - 1) n
            """,
            {
                "ids": ids,
                "paths": paths,
                "first": first_day,
                "days": DAYS,
                "v": VOLUNTEERS,
                "p": PROJECTS,
                "g": GRIDS,
                "entries": ENTRIES,
            },
        )
        owner.execute(
            "insert into tallies (tenant_id, scope, scope_id, period, tenant_path, verified_hours,"
            " unverified_hours, entries)"
            " select sums.tenant_id, scope, scope_id, period, committee.path, verified, unverified, entries"
            f" from ({ALL_TALLIES}) as sums join tenant_directory committee on committee.id = sums.tenant_id"
            " where sums.tenant_id <> %s",
            (committees[0].id,),
        )
        owner.execute("update ledger_entries set applied_at = null where tenant_id = %s", (committees[0].id,))
        owner.execute("analyze volunteer_facts, ledger_entries, tallies")


#: every committee's tallies from its applied entries: `recompute`'s GROUP BY, for all committees at once
ALL_TALLIES = """
    with entries as (
        select tenant_id, volunteer_id, project_id, grid_id, service_date, verified_delta, unverified_delta
        from ledger_entries where applied_at is not null
    ), scoped as (
        select 'volunteer' as scope, volunteer_id as scope_id, * from entries
        union all select 'committee', tenant_id, * from entries
        union all select 'project', project_id, * from entries where project_id is not null
        union all select 'grid', grid_id, * from entries where grid_id is not null
    ), dated as (
        select tenant_id, scope, scope_id, verified_delta, unverified_delta,
               unnest(array[
                   'm' || to_char(service_date, 'YYYY-MM'),
                   'q' || to_char(service_date, 'YYYY') || '-' || extract(quarter from service_date)::int,
                   'y' || to_char(service_date, 'YYYY'),
                   'all'
               ]) as period
        from scoped
    )
    select tenant_id, scope, scope_id, period,
           sum(verified_delta) as verified, sum(unverified_delta) as unverified, count(*) as entries
    from dated group by tenant_id, scope, scope_id, period
"""


# (1) the nightly reconciliation ---------------------------------------------------------------------------


def reconciliation(
    database: Database, owner_url: str, district_path: str, committees: list[Committee]
) -> tuple[str, str, str]:
    first = committees[0]
    today = local_date(datetime.now(UTC))
    assert apply_pending(database, first.id, first.path, today) == ENTRIES
    spoiled = committees[1 : SPOILED + 1]
    with owner_connection(owner_url) as owner:
        for committee in spoiled:
            owner.execute(
                "update tallies set verified_hours = verified_hours + 1"
                " where tenant_id = %s and scope = 'committee' and period = 'all'",
                (committee.id,),
            )
        owner.execute("vacuum analyze tallies")
        entries = owner.execute("select count(*) from ledger_entries").fetchone()
    assert entries is not None
    assert entries[0] == COMMITTEES * ENTRIES, entries

    district = TenantContext(tenant_id=None, tenant_path=district_path, role=Role.SERVICE, subject="bench")

    tallying = logging.getLogger("linli_evaluation.ledger.tallying")
    level = tallying.level
    tallying.setLevel(logging.ERROR)  # the spoiled tallies' repairs are counted below, not printed
    try:
        started = time.perf_counter()
        runs = [reconcile(database, committee.id, committee.path) for committee in committees]
        elapsed = time.perf_counter() - started
    finally:
        tallying.setLevel(level)
    # the ledger was read whole twice while loading and once more by the reconciliation: warm for both
    started = time.perf_counter()
    with database.transaction(district) as session:
        groups = session.execute(text(ALL_TALLIES)).all()
    floor = time.perf_counter() - started
    found = {run.tenant_id for run in runs if run.disagreements}
    assert found == {committee.id for committee in spoiled}, (len(found), [r.disagreements for r in runs])
    assert all(run.disagreements == 1 for run in runs if run.disagreements)
    assert runs[0].disagreements == 0, "apply_pending and the ledger disagree"
    checked = sum(run.tallies_checked for run in runs)
    assert len(groups) == checked, (len(groups), checked)
    return (
        f"Full reconciliation, {COMMITTEES * ENTRIES:,} ledger entries, {COMMITTEES} committees one after "
        f"another ({checked:,} tallies checked, the {SPOILED} spoiled found and repaired) "
        "(floor: one raw GROUP BY over the same rows, same database)",
        f"{elapsed:.1f} s ({elapsed / floor:.1f}× floor)",
        f"{floor:.1f} s",
    )


# (2) tally lag --------------------------------------------------------------------------------------------


def consumer_process(settings: EvaluationSettings) -> None:
    """`linli-evaluation consume`, as deployed: until SIGTERM."""
    database = Database.from_url(settings.database_url, pool_size=2)
    try:
        run_consumer(settings, settings.consumer_group, database, messaging, HANDLERS, CONSUMED_TOPICS)
    finally:
        database.dispose()


def worker_process(settings: EvaluationSettings, queue: str, prefix: str) -> None:
    """`celery -A linli_evaluation.worker:celery worker --pool solo`, as deployed, on a queue and Redis key
    prefix of the benchmark's own; until SIGTERM."""
    # this machine runs everything as root, which Celery warns about at every start; and its banner and
    # shutdown notice would land among the benchmark's results
    warnings.filterwarnings("ignore", category=SecurityWarning)
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), sys.stdout.fileno())
    app = create_worker(settings)
    app.conf.task_default_queue = queue
    app.conf.broker_transport_options = {"global_keyprefix": prefix}
    app.worker_main(
        [
            "--quiet",
            "worker",
            *("--pool", "solo", "--loglevel", "WARNING", "--hostname", f"bench-{prefix}@%h"),
            *("--without-heartbeat", "--without-gossip", "--without-mingle"),
        ]
    )


class Watch:
    """Stamps, by polling the database every `POLL` s, when each sent event's inbox row and its ledger
    entry's application (committed with the tally update) became visible."""

    def __init__(self, app_url: str, group: str) -> None:
        self.connection = psycopg.connect(app_url.replace("postgresql+psycopg://", "postgresql://"))
        self.connection.autocommit = True
        self.connection.execute("select set_config('app.tenant_path', %s, false)", (ROOT_LABEL,))
        self.group = group
        self.lock = threading.Lock()
        #: events not yet seen in the inbox; and event id → (committee id, record id) not yet applied
        self.waiting_inbox: set[uuid.UUID] = set()
        self.waiting_tally: dict[uuid.UUID, tuple[uuid.UUID, uuid.UUID]] = {}
        self.handled: dict[uuid.UUID, float] = {}
        self.applied: dict[uuid.UUID, float] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run)
        self.thread.start()

    def expect(self, event_id: uuid.UUID, committee_id: uuid.UUID, record_id: uuid.UUID) -> None:
        with self.lock:
            self.waiting_inbox.add(event_id)
            self.waiting_tally[event_id] = (committee_id, record_id)

    def _run(self) -> None:
        while not self.stop.wait(POLL):
            with self.lock:
                inbox = list(self.waiting_inbox)
                tally = dict(self.waiting_tally)
            if inbox:
                rows = self.connection.execute(
                    "select event_id from inbox where consumer = %s and event_id = any(%s)",
                    (self.group, inbox),
                ).fetchall()
                seen = time.perf_counter()
                with self.lock:
                    for (event_id,) in rows:
                        self.handled[event_id] = seen
                        self.waiting_inbox.discard(event_id)
            if tally:
                by_record = {record_id: event_id for event_id, (_, record_id) in tally.items()}
                rows = self.connection.execute(
                    "select e.record_id from ledger_entries e"
                    " join unnest(%s::uuid[], %s::uuid[]) as w(tenant_id, record_id)"
                    " on e.tenant_id = w.tenant_id and e.record_id = w.record_id"
                    " where e.applied_at is not null",
                    ([t for t, _ in tally.values()], [r for _, r in tally.values()]),
                ).fetchall()
                seen = time.perf_counter()
                with self.lock:
                    for (record_id,) in rows:
                        event_id = by_record[record_id]
                        self.applied[event_id] = seen
                        self.waiting_tally.pop(event_id, None)

    def wait_all(self) -> None:
        deadline = time.monotonic() + DEADLINE
        while True:
            with self.lock:
                left = len(self.waiting_inbox) + len(self.waiting_tally)
            if not left:
                return
            assert time.monotonic() < deadline, f"{left} events never handled or tallied"
            time.sleep(0.05)

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.connection.close()


class Trigger:
    """Sends `evaluation.tally_pending` as the beat would: every `interval` seconds; or, with no interval,
    again as soon as the worker has nothing queued or in hand."""

    def __init__(self, redis_url: str, queue: str, prefix: str, interval: float | None) -> None:
        self.app = Celery("bench-beat", broker=redis_url)
        self.app.conf.broker_transport_options = {"global_keyprefix": prefix}
        self.redis = redis.Redis.from_url(redis_url)
        self.queue, self.prefix, self.interval = prefix + queue, prefix, interval
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run)

    def send(self, queue: str) -> None:
        self.app.send_task(TALLY_TASK, queue=queue)

    def idle(self) -> bool:
        return not self.redis.llen(self.queue) and not self.redis.hlen(self.prefix + "unacked")

    def _run(self) -> None:
        queue = self.queue.removeprefix(self.prefix)
        while not self.stop.is_set():
            if self.interval is not None:
                self.send(queue)
                self.stop.wait(self.interval)
            elif self.idle():
                self.send(queue)
            else:
                self.stop.wait(POLL)

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.redis.close()
        self.app.close()


def recorded(committee: Committee, volunteer: int, record_id: uuid.UUID, day: date) -> CloudEvent:
    """Scheduling's `service_record.recorded`, as its relay publishes it (CloudEvent keyed by volunteer)."""
    volunteer_id = committee.volunteer(volunteer)
    started = datetime.combine(day, datetime.min.time(), tzinfo=SHANGHAI).replace(hour=9)
    data = scheduling_events.ServiceRecordedV1(
        record_id=record_id,
        sequence=1,
        volunteer_id=volunteer_id,
        volunteer_name=f"志愿者{volunteer}",
        activity_id=derived(committee.id, "a", volunteer % 3),
        activity_name="垃圾分类值守",
        activity_kind="service",
        project_id=committee.project(volunteer % PROJECTS),
        shift_id=uuid.uuid4(),
        area_id=None,
        place="3号楼垃圾房",
        recipient="小区居民",
        content="指导居民垃圾分类",
        service_date=day,
        started_at=started.astimezone(UTC),
        ended_at=(started + timedelta(hours=2)).astimezone(UTC),
        service_minutes=120,
        hours=2.0,
        rounding="chongqing",
        lead_name="李组长",
        recorded_by="bench",
        recorder_name="居民区",
        source="check_out",
        late_entry=False,
        self_reported=False,
        auto_closed=False,
    )
    return make_event(
        "/linli/scheduling",
        scheduling_events.RECORD_RECORDED,
        data,
        str(volunteer_id),
        str(committee.id),
        committee.path,
    )


def tally_lag(
    settings: EvaluationSettings, database: Database, committees: list[Committee]
) -> list[tuple[str, str, str]]:
    assert settings.celery_broker_url is not None
    assert contracts.SERVICE_RECORDS_TOPIC == scheduling_events.SERVICE_RECORDS_TOPIC
    topic = qualified(settings.kafka_namespace, contracts.SERVICE_RECORDS_TOPIC)
    ensure_topics(settings.kafka_bootstrap, [topic], settings.kafka_topic_partitions)
    queue, prefix = f"linli.evaluation.bench-{uuid.uuid4().hex[:6]}", f"bench{uuid.uuid4().hex[:6]}:"
    beat_interval = float(
        create_worker(settings, database).conf.beat_schedule["evaluation-tally-pending"]["schedule"]
    )
    processes = multiprocessing.get_context("spawn")
    consumer = processes.Process(target=consumer_process, args=(settings,))
    worker = processes.Process(target=worker_process, args=(settings, queue, prefix))
    consumer.start()
    worker.start()
    producer = make_producer(
        settings.kafka_bootstrap, settings.kafka_idempotent, client_id="bench-scheduling"
    )
    watch = Watch(settings.database_url, settings.consumer_group)
    rng = random.Random(5)
    today = local_date(datetime.now(UTC))

    def send() -> None:
        committee = rng.choice(committees)
        record_id = uuid.uuid4()
        event = recorded(committee, rng.randrange(VOLUNTEERS), record_id, today)
        watch.expect(event.id, committee.id, record_id)
        headers = [("ce_id", str(event.id).encode()), ("ce_type", event.type.encode())]
        sent = time.perf_counter()
        producer.send(topic, key=event.subject.encode(), value=event.to_json(), headers=headers)
        producer.flush()
        stamps[event.id] = sent

    def run(interval: float | None, count: int) -> tuple[dict[uuid.UUID, float], float]:
        stamps.clear()
        trigger = Trigger(settings.celery_broker_url or "", queue, prefix, interval)
        trigger.thread.start()
        try:
            achieved = steadily(count, send)
            watch.wait_all()
        finally:
            trigger.close()
        return dict(stamps), achieved

    stamps: dict[uuid.UUID, float] = {}
    results = []
    try:
        # the consumer group formed, both processes connected and warm before the clock starts
        run(None, WARM_UP)
        for interval in (beat_interval, None):
            sent, achieved = run(interval, int(RATE * SECONDS))
            results.append(
                (interval, achieved, percentiles(sent, watch.applied), percentiles(sent, watch.handled))
            )
    finally:
        watch.close()
        producer.close()
        for process in (consumer, worker):
            process.terminate()
            process.join(DEADLINE)
            if process.is_alive():
                process.kill()
                process.join()
    count = int(RATE * SECONDS)
    return [
        (
            f"`service_record.recorded` on Kafka → tally updated, {count} at {achieved:.0f}/s over "
            f"{COMMITTEES} committees, consumer + Celery worker (solo pool, Redis) as deployed, "
            + (
                f"tally_pending every {interval:.0f} s (the production beat)"
                if interval is not None
                else "tally_pending sent again as soon as the worker is idle"
            )
            + " (floor: → consumer's inbox row, same events)",
            tally,
            handled,
        )
        for interval, achieved, tally, handled in results
    ]


def steadily(count: int, action: Callable[[], None]) -> float:
    """`action()` started at `RATE` per second; returns the rate achieved."""
    started = time.perf_counter()
    for n in range(count):
        pause = started + n / RATE - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        action()
    return count / (time.perf_counter() - started)


def percentiles(sent: dict[uuid.UUID, float], arrived: dict[uuid.UUID, float]) -> str:
    timings = [(arrived[key] - at) * 1000 for key, at in sent.items()]
    cuts = statistics.quantiles(timings, n=100)
    return f"p50 {cuts[49]:,.0f} ms · p95 {cuts[94]:,.0f} ms · p99 {cuts[98]:,.0f} ms"


# (3) audit draws ------------------------------------------------------------------------------------------


def population(rng: random.Random, size: int) -> list[Candidate]:
    """A committee's month of service records: a few activities, 40 volunteers, mostly 1–4 hour services,
    a few late, self-reported or closed by the sweep, the odd very long one."""
    strata = [(str(uuid.UUID(int=rng.getrandbits(128))), f"活动{n}") for n in range(DRAW_ACTIVITIES)]
    volunteers = [uuid.UUID(int=rng.getrandbits(128)) for _ in range(DRAW_VOLUNTEERS)]
    records = []
    for _ in range(size):
        stratum, name = rng.choice(strata)
        minutes = rng.choice((60, 90, 120, 120, 120, 180, 240)) if rng.random() > 0.01 else 600
        records.append(
            Candidate(
                record_id=uuid.UUID(int=rng.getrandbits(128)),
                stratum=stratum,
                stratum_name=name,
                # a few volunteers do much of the work
                volunteer_id=volunteers[min(int(rng.expovariate(1 / 8)), DRAW_VOLUNTEERS - 1)],
                service_minutes=minutes,
                hours=Decimal(minutes) / 60,
                late_entry=rng.random() < 0.04,
                self_reported=rng.random() < 0.06,
                auto_closed=rng.random() < 0.02,
            )
        )
    return records


def audit_draws(
    database: Database, owner_url: str, committees: list[Committee]
) -> list[tuple[str, str, str]]:
    rng = random.Random(17)
    rules = Rules()
    drawn, floors, sampled = [], [], 0
    for _ in range(DRAW_COMMITTEES):
        records = population(rng, DRAW_RECORDS)
        seed = rng.randbytes(32).hex()
        started = time.perf_counter()
        result = draw(seed, rules, records)
        drawn.append(time.perf_counter() - started)
        keys = random.Random(seed)
        started = time.perf_counter()
        shuffled = sorted(records, key=lambda _: keys.random())
        floors.append(time.perf_counter() - started)
        assert len(shuffled) == len(records)
        sampled += result.sample_size
    plan_times, pure_times = plan_draws(database, owner_url, committees[:PLAN_COMMITTEES], rng)
    return [
        (
            f"Audit draw, {DRAW_COMMITTEES:,} committees × {DRAW_RECORDS} records ({sampled:,} drawn, "
            "stratified, risk-weighted, HMAC keys), the pure draw; per committee "
            "(floor: Python `sorted` of the same records by a random key)",
            f"{sum(drawn):.1f} s · {spread(drawn)}",
            f"{sum(floors):.2f} s · {spread(floors)}",
        ),
        (
            f"Audit `draw_plan` end to end for {PLAN_COMMITTEES} committees' months of {DRAW_RECORDS} "
            "records (population read, draw, snapshot and tasks stored, event), per committee "
            "(floor: the pure draw of the same populations)",
            spread(plan_times),
            spread(pure_times),
        ),
    ]


def spread(seconds: Sequence[float]) -> str:
    cuts = statistics.quantiles([s * 1000 for s in seconds], n=100)
    return f"p50 {cuts[49]:.2f} ms · p95 {cuts[94]:.2f} ms"


def plan_draws(
    database: Database, owner_url: str, committees: list[Committee], rng: random.Random
) -> tuple[list[float], list[float]]:
    """Last month's plan for each committee, committed on its first day; its service records loaded as
    evaluation keeps them; then drawn after the month, as the nightly task does."""
    today = local_date(datetime.now(UTC))
    end = today.replace(day=1) - timedelta(days=1)
    start = end.replace(day=1)
    committed_at = datetime.combine(start, datetime.min.time(), tzinfo=SHANGHAI).astimezone(UTC)
    plans, populations, facts = [], [], []
    for committee in committees:
        plans.append(commit_plan(database, committee.id, committee.path, start, end, committed_at))
        records = population(rng, DRAW_RECORDS)
        populations.append(records)
        for n, record in enumerate(records):
            day = start + timedelta(days=n % (end - start).days)
            begins = datetime.combine(day, datetime.min.time(), tzinfo=SHANGHAI).replace(hour=9)
            facts.append(
                (
                    committee.id,
                    record.record_id,
                    committee.path,
                    record.volunteer_id,
                    uuid.UUID(record.stratum),
                    record.stratum_name,
                    day,
                    begins,
                    begins + timedelta(minutes=record.service_minutes),
                    record.service_minutes,
                    record.hours,
                    record.late_entry,
                    record.self_reported,
                    record.auto_closed,
                    not (record.late_entry or record.self_reported or record.auto_closed),
                )
            )
    with owner_connection(owner_url) as owner, owner.cursor() as cursor:
        cursor.executemany(
            """
            insert into record_facts (tenant_id, record_id, tenant_path, volunteer_id, volunteer_name,
                activity_id, activity_name, activity_kind, place, recipient, content, service_date,
                started_at, ended_at, service_minutes, hours, lead_name, recorder_name, source,
                late_entry, self_reported, auto_closed, verified)
            values (%s, %s, %s, %s, '志愿者', %s, %s, 'service', '社区', '居民', '服务', %s, %s, %s, %s,
                    %s, '组长', '居民区', 'check_out', %s, %s, %s, %s)
            """,
            facts,
        )
        owner.execute("analyze record_facts")
    now = datetime.now(UTC)
    timings = []
    for committee, plan_id in zip(committees, plans, strict=True):
        started = time.perf_counter()
        status = draw_plan(database, committee.id, committee.path, plan_id, now)
        timings.append(time.perf_counter() - started)
        assert status == "drawn", status
    pure = []
    for records in populations:
        started = time.perf_counter()
        draw(rng.randbytes(32).hex(), Rules(), records)
        pure.append(time.perf_counter() - started)
    return timings, pure


if __name__ == "__main__":
    # standalone: `.venv/bin/python tests/bench/evaluation_flow.py` (make bench runs it from run.py)
    os.environ.setdefault("LINLI_TEST_DB_SUFFIX", "bench")
    repo = Path(__file__).resolve().parents[2]
    admin = backing_service("LINLI_TEST_POSTGRES_ADMIN_URL", "postgres")
    identity_urls = fresh_service_database(admin, "identity", repo / "services" / "identity" / "alembic.ini")
    identity_database = Database.from_url(identity_urls.app)
    started = time.perf_counter()
    for row in measure(
        admin,
        repo,
        identity_database,
        backing_service("LINLI_TEST_KAFKA_BOOTSTRAP", "kafka"),
        backing_service("LINLI_TEST_REDIS_URL", "redis"),
    ):
        sys.stdout.write(" | ".join(row) + "\n")
    sys.stdout.write(f"({time.perf_counter() - started:.0f} s)\n")
    identity_database.dispose()
