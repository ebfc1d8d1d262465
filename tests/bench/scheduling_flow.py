"""Scheduling with a district's year: 250 committees × 40 volunteers × 3 weekly activities (39,000 shifts).

Sign-ups: concurrent staff threads, each request its own transaction through the sign-up service, spread
over many shifts and then all onto a few hot ones; against the same threads committing a one-row insert.
Check-out → `service_record.recorded` on Kafka: leader-confirmed check-outs at a steady rate, the outbox
relay in a process of its own as deployed, a consumer stamping each arrival; against a bare producer →
consumer at the same rate."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import statistics
import sys
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from queue import Empty, SimpleQueue
from typing import Any

import psycopg
from districts import deliver_tenant_events, make_district
from sqlalchemy import func, insert, select, text

from linli_scheduling.activities.models import Activity, Shift
from linli_scheduling.attendance.schemas import LeaderConfirmation
from linli_scheduling.attendance.service import AttendanceService
from linli_scheduling.config import SchedulingSettings
from linli_scheduling.database import messaging
from linli_scheduling.events import types as events
from linli_scheduling.events.consumers import HANDLERS
from linli_scheduling.facts.models import VolunteerFact
from linli_scheduling.signups.models import Signup, SignupStatus
from linli_scheduling.signups.schemas import SignupAssign
from linli_scheduling.signups.service import SignupService
from linli_shared.clock import SHANGHAI, local_date
from linli_shared.db import Database
from linli_shared.events.kafka import ensure_topics, make_consumer, make_producer, qualified
from linli_shared.events.processes import create_topics
from linli_shared.events.relay import OutboxRelay
from linli_shared.tenancy import Role, TenantContext
from linli_shared.testing import backing_service, fresh_service_database

TOWNS, COMMITTEES, VOLUNTEERS, WEEKS, CAPACITY = 10, 250, 40, 52, 10
#: each committee's year: (name, place, weekday, local start, minutes) — on different days, so no two
#: shifts of one committee overlap and any volunteer may take any number of them
ACTIVITIES = (
    ("垃圾分类值守", "3号楼垃圾房", 0, clock_time(8, 0), 120),
    ("助老上门探访", "社区活动室", 2, clock_time(14, 0), 120),
    ("楼道安全巡查", "各楼道", 5, clock_time(9, 0), 90),
)
THREADS = 8
#: sign-ups spread over this many distinct shifts; hot shifts each get every volunteer of their committee
SPREAD, HOT_SHIFTS, HOT_CAPACITY = 1_600, 8, 5
#: check-outs at a steady rate, started by a few threads (a slow one does not hold up the next)
CHECK_OUTS, RATE, DRIVERS = 300, 50.0, 4
#: the relay as `run_relay` deploys it waits this long whenever it finds less than a batch; and a relay
#: polling (almost) continuously, to tell its interval from its own cost
DEPLOYED_IDLE_WAIT = 0.2
RELAY_IDLE_WAITS = (DEPLOYED_IDLE_WAIT, 0.01)
#: how long a check-out's event may take to arrive before the benchmark gives up
ARRIVAL_DEADLINE = 60.0
FLOOR_TOPIC = "bench.floor"


@dataclass(frozen=True)
class ShiftRow:
    id: uuid.UUID
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class CommitteeYear:
    id: uuid.UUID
    path: str
    volunteers: list[uuid.UUID]
    shifts: list[ShiftRow]

    @property
    def staff(self) -> TenantContext:
        return TenantContext(tenant_id=self.id, tenant_path=self.path, role=Role.STAFF, subject="bench:staff")


@dataclass(frozen=True)
class Booking:
    committee: CommitteeYear
    shift: ShiftRow
    volunteer_id: uuid.UUID


def measure(admin_url: str, repo: Path, identity: Database, bootstrap: str) -> list[tuple[str, str, str]]:
    urls = fresh_service_database(admin_url, "scheduling", repo / "services" / "scheduling" / "alembic.ini")
    settings = SchedulingSettings(
        database_url=urls.app,
        migration_database_url=urls.owner,
        signing_key="bench-signing-key-" + "7" * 32,
        kafka_bootstrap=bootstrap,
        kafka_namespace=f"bench-sched-{uuid.uuid4().hex[:6]}",
        kafka_topic_partitions=6,
        log_json=False,
    )
    database = Database.from_url(settings.database_url, pool_size=THREADS + 2)
    rng = random.Random(11)
    district_path, committees = load_district(identity, database, urls.owner)
    hot = committees[:HOT_SHIFTS]
    spread = [
        Booking(committee, shift, rng.choice(committee.volunteers))
        for committee, shift in rng.sample(
            [(committee, shift) for committee in committees[HOT_SHIFTS:] for shift in committee.shifts],
            SPREAD,
        )
    ]
    contended = [
        Booking(committee, committee.shifts[0], volunteer)
        for committee in hot
        for volunteer in committee.volunteers
    ]

    concurrently(spread[: THREADS * 4], lambda booking: bare_insert(database, booking))  # open the pool
    floor_rate = concurrently(spread, lambda booking: bare_insert(database, booking))[0]
    spread_rate, statuses = concurrently(spread, lambda booking: assign(database, booking))
    assert set(statuses) == {SignupStatus.CONFIRMED}, "a shift with free places waitlisted someone"
    hot_rate, statuses = concurrently(contended, lambda booking: assign(database, booking))
    assert statuses.count(SignupStatus.CONFIRMED) == HOT_SHIFTS * HOT_CAPACITY, statuses
    check_capacity_held(database, district_path, [committee.shifts[0].id for committee in hot])

    latencies, latency_floor = check_out_latency(
        settings, database, spread[: CHECK_OUTS * len(RELAY_IDLE_WAITS)]
    )
    database.dispose()
    floor = f"{floor_rate:,.0f}"
    shifts = COMMITTEES * len(ACTIVITIES) * WEEKS
    return [
        (
            f"Sign-ups/s, {THREADS} staff threads over {SPREAD:,} of {shifts:,} shifts "
            f"(floor: one-row insert transactions, same threads)",
            f"{spread_rate:,.0f}",
            floor,
        ),
        (
            f"Sign-ups/s, {THREADS} threads onto {HOT_SHIFTS} hot shifts ({HOT_CAPACITY} places, "
            f"{VOLUNTEERS} volunteers each; exactly {HOT_CAPACITY} confirmed)",
            f"{hot_rate:,.0f}",
            floor,
        ),
        *(
            (
                f"Check-out committed → service_record.recorded at a Kafka consumer, {CHECK_OUTS} at "
                f"{achieved:.0f}/s, outbox relay idle poll {idle_wait * 1000:.0f} ms"
                f"{' (as deployed)' if idle_wait == DEPLOYED_IDLE_WAIT else ''} "
                "(floor: bare producer → consumer, same rate)",
                latency,
                latency_floor,
            )
            for idle_wait, latency, achieved in latencies
        ),
    ]


# the district's year ------------------------------------------------------------------------------------


def load_district(identity: Database, database: Database, owner_url: str) -> tuple[str, list[CommitteeYear]]:
    """Committees made in identity, known to scheduling through its consumer of identity's tenant events;
    their volunteers and a year of shifts loaded in bulk; statistics gathered by the tables' owner."""
    suffix = uuid.uuid4().hex[:6]
    district, nodes = make_district(
        identity, "排班压测区", f"sched-d-{suffix}", f"s-{suffix}", TOWNS, COMMITTEES
    )
    deliver_tenant_events(identity, database, district.path, "linli-scheduling", messaging, HANDLERS)

    first_monday = local_date(datetime.now(UTC)) + timedelta(days=7)
    first_monday -= timedelta(days=first_monday.weekday())
    committees = [
        CommitteeYear(
            id=node.id,
            path=node.path,
            volunteers=[uuid.uuid4() for _ in range(VOLUNTEERS)],
            shifts=[],
        )
        for node in nodes
    ]
    facts, activities, shifts = [], [], []
    for number, committee in enumerate(committees):
        facts += [
            {
                "tenant_id": committee.id,
                "volunteer_id": volunteer_id,
                "tenant_path": committee.path,
                "name": f"志愿者{number}-{n}",
                "tier": "backbone" if n == 0 else "volunteer",
                "status": "active",
                "user_id": None,
            }
            for n, volunteer_id in enumerate(committee.volunteers)
        ]
        for name, place, weekday, starts, minutes in ACTIVITIES:
            first_day = first_monday + timedelta(days=weekday)
            activity_id = uuid.uuid4()
            activities.append(
                {
                    "tenant_id": committee.id,
                    "id": activity_id,
                    "tenant_path": committee.path,
                    "name": name,
                    "kind": "service",
                    "content": name,
                    "recipient": "小区居民",
                    "place": place,
                    "lead_volunteer_id": committee.volunteers[0],
                    "first_starts_at": datetime.combine(first_day, starts),
                    "duration_minutes": minutes,
                    "recurrence": f"FREQ=WEEKLY;BYDAY={('MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU')[weekday]}",
                    "exceptions": [],
                    "materialised_until": first_day + timedelta(weeks=WEEKS),
                    "capacity": CAPACITY,
                    "created_by": "bench",
                }
            )
            for week in range(WEEKS):
                day = first_day + timedelta(weeks=week)
                starts_at = datetime.combine(day, starts, tzinfo=SHANGHAI).astimezone(UTC)
                row = ShiftRow(uuid.uuid4(), starts_at, starts_at + timedelta(minutes=minutes))
                # each of the first committees' first shift is a hot one, for the contended sign-ups
                hot = number < HOT_SHIFTS and not committee.shifts
                committee.shifts.append(row)
                shifts.append(
                    {
                        "tenant_id": committee.id,
                        "id": row.id,
                        "tenant_path": committee.path,
                        "activity_id": activity_id,
                        "starts_at": row.starts_at,
                        "ends_at": row.ends_at,
                        "local_date": day,
                        "capacity": HOT_CAPACITY if hot else CAPACITY,
                    }
                )
    loader = TenantContext(tenant_id=None, tenant_path=district.path, role=Role.SERVICE, subject="bench")
    with database.transaction(loader) as session:
        for model, rows in ((VolunteerFact, facts), (Activity, activities), (Shift, shifts)):
            for start in range(0, len(rows), 5000):
                session.execute(insert(model), rows[start : start + 5000])
    with psycopg.connect(owner_url, autocommit=True) as owner:
        # the floor's table; the app role may insert into what the owner creates
        owner.execute("create table bench_floor (id bigint generated always as identity primary key)")
        owner.execute("analyze")
    return district.path, committees


# sign-ups -----------------------------------------------------------------------------------------------


def concurrently(jobs: Sequence[Booking], work: Callable[[Booking], Any]) -> tuple[float, list[Any]]:
    """`THREADS` threads take jobs from one queue in order until it is empty; returns jobs per second."""
    queue: SimpleQueue[Booking] = SimpleQueue()
    for job in jobs:
        queue.put(job)
    results: list[Any] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(THREADS + 1)

    def worker() -> None:
        barrier.wait()
        while not errors:
            try:
                job = queue.get_nowait()
            except Empty:
                return
            try:
                results.append(work(job))
            except BaseException as error:
                errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    return len(jobs) / elapsed, results


def assign(database: Database, booking: Booking) -> SignupStatus:
    """Staff put a volunteer on a shift: one request's transaction, as the router runs it."""
    context = booking.committee.staff
    with database.transaction(context) as session:
        signup = SignupService(session, context, datetime.now(UTC)).assign(
            booking.shift.id, SignupAssign(volunteer_id=booking.volunteer_id)
        )
    return signup.status


def bare_insert(database: Database, booking: Booking) -> None:
    with database.transaction(booking.committee.staff) as session:
        session.execute(text("insert into bench_floor default values"))


def check_capacity_held(database: Database, district_path: str, shift_ids: list[uuid.UUID]) -> None:
    """Every hot shift has exactly its places confirmed and everyone else queued."""
    district = TenantContext(tenant_id=None, tenant_path=district_path, role=Role.SERVICE, subject="bench")
    with database.transaction(district) as session:
        counted = session.execute(
            select(Shift.capacity, Shift.confirmed).where(Shift.id.in_(shift_ids))
        ).all()
        statuses = session.execute(
            select(Signup.shift_id, Signup.status, func.count())
            .where(Signup.shift_id.in_(shift_ids))
            .group_by(Signup.shift_id, Signup.status)
        ).all()
    assert len(counted) == HOT_SHIFTS
    assert all(row.confirmed == row.capacity == HOT_CAPACITY for row in counted), counted
    by_status: dict[str, list[int]] = {}
    for _, status, count in statuses:
        by_status.setdefault(status, []).append(count)
    assert by_status == {
        SignupStatus.CONFIRMED: [HOT_CAPACITY] * HOT_SHIFTS,
        SignupStatus.WAITLISTED: [VOLUNTEERS - HOT_CAPACITY] * HOT_SHIFTS,
    }, statuses


# check-out → Kafka ------------------------------------------------------------------------------------


class Arrivals:
    """A consumer thread stamping when each message arrives, by the `data.record_id` it carries."""

    def __init__(self, bootstrap: str, topics: list[str]) -> None:
        self.consumer = make_consumer(bootstrap, f"bench-arrivals-{uuid.uuid4().hex[:6]}", topics)
        self.at: dict[str, float] = {}
        self.bodies: list[bytes] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run)
        # joined and positioned before anything is produced, so no message waits for the group to form
        deadline = time.monotonic() + ARRIVAL_DEADLINE
        while not self.consumer.assignment():
            assert time.monotonic() < deadline, "the consumer group never formed"
            self.consumer.poll(timeout_ms=200)
        for partition in self.consumer.assignment():
            self.consumer.position(partition)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.is_set():
            for messages in self.consumer.poll(timeout_ms=100).values():
                arrived = time.perf_counter()
                for message in messages:
                    self.at[json.loads(message.value)["data"]["record_id"]] = arrived
                    self.bodies.append(message.value)

    def wait_for(self, keys: list[str]) -> None:
        deadline = time.monotonic() + ARRIVAL_DEADLINE
        while not all(key in self.at for key in keys):
            assert time.monotonic() < deadline, f"{sum(key not in self.at for key in keys)} never arrived"
            time.sleep(0.05)

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.consumer.close()


def check_in(database: Database, booking: Booking) -> None:
    context = booking.committee.staff
    shift = booking.shift
    with database.transaction(context) as session:
        AttendanceService(session, context, shift.starts_at).confirm(
            shift.id,
            LeaderConfirmation(
                volunteer_id=booking.volunteer_id, checked_in_at=shift.starts_at - timedelta(minutes=5)
            ),
        )


def check_out(database: Database, booking: Booking) -> str:
    """The leader (here: staff) confirms the departure; returns the id of the record it made."""
    context = booking.committee.staff
    shift = booking.shift
    with database.transaction(context) as session:
        attendance = AttendanceService(session, context, shift.ends_at + timedelta(minutes=5)).confirm(
            shift.id,
            LeaderConfirmation(
                volunteer_id=booking.volunteer_id, checked_out_at=shift.ends_at + timedelta(minutes=3)
            ),
        )
    assert attendance.record is not None, "a service shift earns hours"
    return str(attendance.record.id)


def steadily(
    count: int, action: Callable[[int], tuple[str, float]], threads: int = 1
) -> tuple[dict[str, float], float]:
    """`action(n)` started at `RATE` per second, on `threads` threads (so that one slow action need not
    hold up the next); returns each one's key → its moment, and the rate achieved."""
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        futures = []
        for n in range(count):
            pause = started + n / RATE - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            futures.append(pool.submit(action, n))
        stamped = dict(future.result() for future in futures)
    return stamped, count / (time.perf_counter() - started)


def percentiles(sent: dict[str, float], arrived: dict[str, float]) -> str:
    timings = [(arrived[key] - at) * 1000 for key, at in sent.items()]
    cuts = statistics.quantiles(timings, n=100)
    return f"p50 {cuts[49]:.1f} ms · p95 {cuts[94]:.1f} ms · p99 {cuts[98]:.1f} ms"


def relay_until(
    ready: Any, stop: Any, database_url: str, bootstrap: str, namespace: str, idle_wait: float
) -> None:
    """The outbox relay in a process of its own, as `linli-scheduling relay` runs it: it publishes what
    is waiting, learns where its topics live, says it is ready, then polls until stopped."""
    database = Database.from_url(database_url, pool_size=1)
    producer = make_producer(bootstrap, client_id="scheduling-relay")
    try:
        relay = OutboxRelay(database, messaging, producer, namespace)
        while relay.publish_batch():
            pass  # the sign-ups' and check-ins' events leave before the clock starts
        for topic in events.TOPICS:
            producer.partitions_for(qualified(namespace, topic))
        ready.set()
        relay.run(stop, idle_wait)
    finally:
        producer.close()
        database.dispose()


def check_out_latency(
    settings: SchedulingSettings, database: Database, bookings: list[Booking]
) -> tuple[list[tuple[float, str, float]], str]:
    """For each relay poll interval: (interval, latency percentiles, check-outs per second achieved); and
    the floor's percentiles."""
    create_topics(settings, events.TOPICS)
    floor_topic = qualified(settings.kafka_namespace, FLOOR_TOPIC)
    ensure_topics(settings.kafka_bootstrap, [floor_topic], settings.kafka_topic_partitions)
    records_topic = qualified(settings.kafka_namespace, events.SERVICE_RECORDS_TOPIC)
    for booking in bookings:
        check_in(database, booking)
    arrivals = Arrivals(settings.kafka_bootstrap, [records_topic, floor_topic])
    results = []
    processes = multiprocessing.get_context("spawn")
    for run, idle_wait in enumerate(RELAY_IDLE_WAITS):
        mine = bookings[run * CHECK_OUTS : (run + 1) * CHECK_OUTS]

        def committed(n: int, mine: list[Booking] = mine) -> tuple[str, float]:
            record_id = check_out(database, mine[n])
            return record_id, time.perf_counter()

        ready, stop = processes.Event(), processes.Event()
        relay = processes.Process(
            target=relay_until,
            args=(
                ready,
                stop,
                settings.database_url,
                settings.kafka_bootstrap,
                settings.kafka_namespace,
                idle_wait,
            ),
        )
        relay.start()
        try:
            assert ready.wait(ARRIVAL_DEADLINE), "the relay did not start"
            sent, achieved = steadily(CHECK_OUTS, committed, DRIVERS)
            arrivals.wait_for(list(sent))
        finally:
            stop.set()
            relay.join(ARRIVAL_DEADLINE)
            if relay.is_alive():
                relay.terminate()
                relay.join()
        results.append((idle_wait, percentiles(sent, arrivals.at), achieved))

    # the floor: the same messages at the same rate, straight from a producer configured like the relay's
    sample = json.loads(arrivals.bodies[-1])
    floor_producer = make_producer(
        settings.kafka_bootstrap, settings.kafka_idempotent, client_id="bench-floor"
    )

    def produced(n: int) -> tuple[str, float]:
        key = str(uuid.uuid4())
        value = json.dumps({**sample, "id": key, "data": {**sample["data"], "record_id": key}}).encode()
        at = time.perf_counter()
        floor_producer.send(floor_topic, key=key.encode(), value=value)
        floor_producer.flush()
        return key, at

    floor_sent, _ = steadily(CHECK_OUTS, produced)
    arrivals.wait_for(list(floor_sent))
    floor_producer.close()
    arrivals.close()
    return results, percentiles(floor_sent, arrivals.at)


if __name__ == "__main__":
    # standalone: `.venv/bin/python tests/bench/scheduling_flow.py` (make bench runs it from run.py)
    os.environ.setdefault("LINLI_TEST_DB_SUFFIX", "bench")
    repo = Path(__file__).resolve().parents[2]
    admin = backing_service("LINLI_TEST_POSTGRES_ADMIN_URL", "postgres")
    identity_urls = fresh_service_database(admin, "identity", repo / "services" / "identity" / "alembic.ini")
    identity_database = Database.from_url(identity_urls.app)
    started = time.perf_counter()
    for row in measure(
        admin, repo, identity_database, backing_service("LINLI_TEST_KAFKA_BOOTSTRAP", "kafka")
    ):
        sys.stdout.write(" | ".join(row) + "\n")
    sys.stdout.write(f"({time.perf_counter() - started:.0f} s)\n")
    identity_database.dispose()
