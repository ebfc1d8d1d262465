"""Fixtures for the reliability tests: scheduling's record events as they travel on Kafka (with what each
record's hours must end up as), the one check every test ends with, and the real processes and brokers the
tests kill and restart — the evaluation consumer and Celery worker as subprocesses, a private Redis and a
private Apache Kafka broker (restarting the shared ones would disturb every other test using them)."""

import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from linli_evaluation.database import messaging
from linli_evaluation.facts.models import RecordFact
from linli_evaluation.ledger.models import EntryKind, LedgerEntry, Tally
from linli_evaluation.ledger.tallying import apply_pending, recompute
from linli_shared.db import Database
from linli_shared.tenancy import Role, TenantContext

HERE = Path(__file__).resolve().parent
REPO = Path(__file__).resolve().parents[4]
TODAY = date(2026, 11, 25)
RECORDED = "linli.scheduling.service_record.recorded.v1"
ADJUSTED = "linli.scheduling.service_record.adjusted.v1"
VOIDED = "linli.scheduling.service_record.voided.v1"
RECORDS_TOPIC = "scheduling.service_records"
CENT = Decimal("0.01")


def wait_for(condition: Callable[[], Any], what: str, timeout: float = 30) -> None:
    """Poll observable state with a deadline: never a fixed sleep as synchronisation."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out after {timeout:.0f}s waiting for {what}"
        time.sleep(0.05)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Committee:
    tenant: Any
    context: TenantContext

    @property
    def id(self) -> uuid.UUID:
        return self.tenant.id  # type: ignore[no-any-return]

    @property
    def path(self) -> str:
        return self.tenant.path  # type: ignore[no-any-return]


def as_committee(tenant: Any) -> Committee:
    return Committee(
        tenant, TenantContext(tenant_id=tenant.id, tenant_path=tenant.path, role=Role.SERVICE, subject="test")
    )


@pytest.fixture
def committees(committee, world) -> tuple[Committee, Committee]:
    """Committees A and B of the world (the directory synced): every test books into both."""
    return as_committee(world.committee), as_committee(world.sibling)


@dataclass
class Expected:
    """What a record must end up as, worked out from the events the test sent, not by the code under test."""

    committee: Committee
    hours: Decimal
    verified: bool
    entries: int = 1
    voided: bool = False


@dataclass
class Stream:
    """Scheduling's service-record events, built as scheduling publishes them (CloudEvents keyed by the
    volunteer), together with the state each record must reach once every event is booked once."""

    records: dict[uuid.UUID, Expected] = field(default_factory=dict)
    volunteer_of: dict[uuid.UUID, uuid.UUID] = field(default_factory=dict)

    def recorded(
        self,
        committee: Committee,
        volunteer_id: uuid.UUID,
        hours: float,
        on: date = date(2026, 11, 7),
        late_entry: bool = False,
        project_id: uuid.UUID | None = None,
    ) -> dict[str, Any]:
        record_id = uuid.uuid4()
        started = datetime(on.year, on.month, on.day, 1, 0, tzinfo=UTC)
        minutes = round(hours * 60)
        data = {
            "record_id": str(record_id),
            "sequence": 1,
            "volunteer_id": str(volunteer_id),
            "volunteer_name": "志愿者",
            "activity_id": str(uuid.uuid4()),
            "activity_name": "垃圾分类值守",
            "activity_kind": "grid_duty",
            "project_id": str(project_id) if project_id else None,
            "shift_id": str(uuid.uuid4()),
            "area_id": None,
            "place": "3号楼垃圾投放点",
            "recipient": "小区居民",
            "content": "指导居民垃圾分类",
            "service_date": on.isoformat(),
            "started_at": started.isoformat(),
            "ended_at": (started + timedelta(minutes=minutes)).isoformat(),
            "service_minutes": minutes,
            "hours": hours,
            "rounding": "chongqing",
            "lead_name": "李组长",
            "recorded_by": "test",
            "recorder_name": "甲居民区",
            "source": "leader",
            "late_entry": late_entry,
            "self_reported": False,
            "auto_closed": False,
        }
        self.records[record_id] = Expected(committee, Decimal(str(hours)).quantize(CENT), not late_entry)
        self.volunteer_of[record_id] = volunteer_id
        return self.envelope(RECORDED, committee, volunteer_id, data)

    def adjusted(self, record_id: uuid.UUID, delta: float) -> dict[str, Any]:
        expected = self.records[record_id]
        expected.hours = max(Decimal(0), expected.hours + Decimal(str(delta)).quantize(CENT))
        expected.entries += 1
        return self._entry(ADJUSTED, record_id, delta)

    def voided(self, record_id: uuid.UUID) -> dict[str, Any]:
        expected = self.records[record_id]
        delta = -float(expected.hours)
        expected.hours, expected.voided = Decimal(0), True
        expected.entries += 1
        return self._entry(VOIDED, record_id, delta)

    def _entry(self, event_type: str, record_id: uuid.UUID, delta: float) -> dict[str, Any]:
        volunteer_id = self.volunteer_of[record_id]
        data = {
            "record_id": str(record_id),
            "entry_id": str(uuid.uuid4()),
            "sequence": 2,
            "volunteer_id": str(volunteer_id),
            "activity_id": str(uuid.uuid4()),
            "activity_kind": "grid_duty",
            "project_id": None,
            "area_id": None,
            "service_date": "2026-11-07",
            "hours_before": 0.0,
            "hours_after": 0.0,
            "delta": delta,
            "reason": "更正",
            "decided_by": "staff",
            "correction_id": None,
        }
        return self.envelope(event_type, self.records[record_id].committee, volunteer_id, data)

    @staticmethod
    def envelope(
        event_type: str, committee: Committee, subject: uuid.UUID, data: dict[str, Any]
    ) -> dict[str, Any]:
        return {
            "specversion": "1.0",
            "id": str(uuid.uuid4()),
            "source": "/linli/scheduling",
            "type": event_type,
            "subject": str(subject),
            "time": datetime.now(UTC).isoformat(),
            "datacontenttype": "application/json",
            "tenantid": str(committee.id),
            "tenantpath": committee.path,
            "data": data,
        }

    @staticmethod
    def republished(event: dict[str, Any]) -> dict[str, Any]:
        """The same fact published again under a new event id (a producer retry, a relay replay)."""
        return {**event, "id": str(uuid.uuid4())}

    @staticmethod
    def raw(event: dict[str, Any]) -> bytes:
        return json.dumps(event, ensure_ascii=False).encode()


@pytest.fixture
def stream() -> Stream:
    return Stream()


def apply_all(database: Database, committees: tuple[Committee, ...]) -> int:
    return sum(apply_pending(database, c.id, c.path, TODAY) for c in committees)


def pending(database: Database, committee: Committee) -> int:
    with database.transaction(committee.context) as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(LedgerEntry)
                .where(LedgerEntry.tenant_id == committee.id, LedgerEntry.applied_at.is_(None))
            )
            or 0
        )


def tallies(database: Database, committee: Committee) -> dict[tuple[str, uuid.UUID, str], tuple]:
    with database.transaction(committee.context) as session:
        return {
            (row.scope, row.scope_id, row.period): (row.verified_hours, row.unverified_hours, row.entries)
            for row in session.scalars(select(Tally).where(Tally.tenant_id == committee.id))
        }


def check_exactly_once(database: Database, stream: Stream, *extra: Committee) -> None:
    """The end state every reliability test must reach, whatever was killed or restarted on the way:
    - every entry is applied, and every stored tally equals the independent recomputation from the ledger;
    - every record's ledger entries sum to its hours, in the bucket (verified/unverified) it sits in;
    - no record is booked twice: one `recorded` entry each and exactly one entry per distinct fact sent;
    - each record's hours are what the events the test sent say they must be."""
    touched = {c.id: c for c in [*(e.committee for e in stream.records.values()), *extra]}
    for committee in touched.values():
        assert pending(database, committee) == 0, f"entries left unapplied in {committee.id}"
        with database.transaction(committee.context) as session:
            stored = {
                (row.scope, row.scope_id, row.period): (row.verified_hours, row.unverified_hours, row.entries)
                for row in session.scalars(select(Tally).where(Tally.tenant_id == committee.id))
            }
            assert stored, f"no tallies in {committee.id}"
            assert stored == recompute(session, committee.id)
            booked = {
                row.record_id: row
                for row in session.execute(
                    select(
                        RecordFact.record_id,
                        RecordFact.hours,
                        RecordFact.verified,
                        RecordFact.voided,
                        func.coalesce(func.sum(LedgerEntry.verified_delta), 0).label("verified_sum"),
                        func.coalesce(func.sum(LedgerEntry.unverified_delta), 0).label("unverified_sum"),
                        func.count(LedgerEntry.id).label("entries"),
                        func.count(LedgerEntry.id)
                        .filter(LedgerEntry.kind == EntryKind.RECORDED)
                        .label("recorded"),
                    )
                    .outerjoin(
                        LedgerEntry,
                        (LedgerEntry.tenant_id == RecordFact.tenant_id)
                        & (LedgerEntry.record_id == RecordFact.record_id),
                    )
                    .where(RecordFact.tenant_id == committee.id)
                    .group_by(RecordFact.record_id, RecordFact.hours, RecordFact.verified, RecordFact.voided)
                )
            }
        for row in booked.values():
            bucket = (row.hours, Decimal(0)) if row.verified else (Decimal(0), row.hours)
            assert (row.verified_sum, row.unverified_sum) == bucket, f"record {row.record_id}"
            assert row.recorded == 1, f"record {row.record_id} booked {row.recorded} times"
        mine = {rid: e for rid, e in stream.records.items() if e.committee.id == committee.id}
        assert set(mine) == set(booked), "a record never booked, or one booked that was never sent"
        # the committee's lifetime tally against the events alone, without the ledger in between
        assert stored[("committee", committee.id, "all")] == (
            sum((e.hours for e in mine.values() if e.verified), Decimal(0)),
            sum((e.hours for e in mine.values() if not e.verified), Decimal(0)),
            sum(e.entries for e in mine.values()),
        )
        for record_id, expected in mine.items():
            row = booked[record_id]
            assert (row.hours, row.verified, row.voided, row.entries) == (
                expected.hours,
                expected.verified,
                expected.voided,
                expected.entries,
            ), f"record {record_id}"


@contextmanager
def record_locked(database: Database, committee: Committee, record_id: uuid.UUID) -> Iterator[int]:
    """Hold a record's row lock: an adjustment of it waits inside the consumer's transaction (after its
    inbox row is written) until the block ends — a deterministic 'mid-effect' point to kill at. Yields the
    holding session's pid (see `blocked_by`)."""
    with database.transaction(committee.context) as session:
        session.execute(
            select(RecordFact.record_id)
            .where(RecordFact.tenant_id == committee.id, RecordFact.record_id == record_id)
            .with_for_update()
        ).one()
        yield int(session.scalar(select(func.pg_backend_pid())) or 0)
        session.rollback()


@contextmanager
def tally_locked(database: Database, committee: Committee) -> Iterator[int]:
    """Hold the committee's lifetime tally row: `apply_pending` waits in its upsert, after it has marked the
    batch's entries applied in the same transaction — a deterministic mid-transaction point to kill at.
    Yields the holding session's pid (see `blocked_by`)."""
    with database.transaction(committee.context) as session:
        session.execute(
            select(Tally.scope_id)
            .where(Tally.tenant_id == committee.id, Tally.scope == "committee", Tally.period == "all")
            .with_for_update()
        ).one()
        yield int(session.scalar(select(func.pg_backend_pid())) or 0)
        session.rollback()


def blocked_by(database: Database, holder: int) -> int:
    """How many sessions wait on a lock the session `holder` holds: the consumer or task stuck behind it
    (and nothing else that happens to wait, such as a relation extension)."""
    with database.engine.connect() as connection:
        return int(
            connection.execute(
                text(
                    "select count(*) from pg_stat_activity"
                    " where datname = current_database() and :holder = any(pg_blocking_pids(pid))"
                ),
                {"holder": holder},
            ).scalar_one()
        )


def handled(database: Database, group: str, event_ids: set[str]) -> int:
    inbox = messaging.inbox
    with database.transaction() as session:
        return int(
            session.scalar(
                select(func.count()).where(
                    inbox.c.consumer == group, inbox.c.event_id.in_([uuid.UUID(i) for i in event_ids])
                )
            )
            or 0
        )


@dataclass
class Processes:
    """Subprocesses a test started; whatever is still running when the test ends is killed (by pid)."""

    started: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start(self, args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(args, env=env, cwd=REPO)
        self.started.append(process)
        return process

    @staticmethod
    def stop(process: subprocess.Popen[bytes], timeout: float = 30) -> int:
        """SIGTERM and wait: the clean way out, whose exit code the tests assert."""
        process.send_signal(signal.SIGTERM)
        return process.wait(timeout=timeout)

    @staticmethod
    def running(process: subprocess.Popen[bytes]) -> bool:
        """For polled conditions: a process that died fails the wait at once, with its exit code."""
        assert process.poll() is None, f"{process.args} exited with {process.returncode}"
        return True

    @staticmethod
    def kill(process: subprocess.Popen[bytes]) -> None:
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL


@pytest.fixture
def processes() -> Iterator[Processes]:
    running = Processes()
    yield running
    for process in running.started:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)


def service_env(settings: Any, **overrides: str) -> dict[str, str]:
    """The environment an evaluation process reads its settings from (LINLI_EVALUATION_*)."""
    values = {
        "DATABASE_URL": settings.database_url,
        "MIGRATION_DATABASE_URL": settings.migration_database_url,
        "SIGNING_KEY": settings.signing_key.get_secret_value(),
        "LOG_JSON": "false",
        "LOG_LEVEL": "WARNING",
        **overrides,
    }
    return {**os.environ, **{f"LINLI_EVALUATION_{key}": value for key, value in values.items()}}


# a private Redis ------------------------------------------------------------------------------------------


@dataclass
class PrivateRedis:
    """A redis-server of this test alone, with nothing persisted: a restart loses whatever it held."""

    port: int
    directory: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.directory,
            stdout=subprocess.DEVNULL,
        )
        wait_for(self._answers, "the private Redis", timeout=20)

    def stop(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def _answers(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=1).ping())
        except redis.RedisError:
            assert self.process is not None
            assert self.process.poll() is None, "redis-server exited"
            return False


@pytest.fixture
def private_redis(tmp_path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(free_port(), tmp_path)
    server.start()
    yield server
    if server.process is not None:
        server.stop()


# a private Apache Kafka broker -------------------------------------------------------------------------------


def _infra() -> Any:
    spec = importlib.util.spec_from_file_location("linli_infra_reliability", REPO / "deploy/local/infra.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@dataclass
class PrivateKafka:
    """A single-node KRaft broker from the jars `deploy/local/infra.py` installed, on free ports and its
    own data directory; `restart` keeps the data, like `infra.restart("kafka")` does for the shared one."""

    directory: Path
    port: int = field(default_factory=free_port)
    controller_port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _command(self, infra: Any) -> tuple[str, list[str]]:
        log4j2 = self.directory / "log4j2.xml"
        log4j2.write_text(infra.KAFKA_LOG4J2)
        return infra._java(), [
            "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={log4j2}",
            f"-Dkafka.logs.dir={self.directory}",
            "-cp",
            f"{infra._kafka_jars()}/*",
        ]

    def create(self) -> None:
        infra = _infra()
        properties = (
            infra._kafka_properties()
            .replace(str(infra.KAFKA_DIR / "data"), str(self.directory / "data"))
            .replace(str(infra.KAFKA_CONTROLLER_PORT), str(self.controller_port))
            .replace(str(infra.KAFKA_PORT), str(self.port))
        )
        (self.directory / "server.properties").write_text(properties)
        java, classpath = self._command(infra)
        subprocess.run(
            [
                java,
                *classpath,
                "kafka.tools.StorageTool",
                "format",
                "-t",
                infra._cluster_id(),
                "-c",
                str(self.directory / "server.properties"),
            ],
            check=True,
            capture_output=True,
            cwd=self.directory,
        )
        self.start()

    def start(self) -> None:
        infra = _infra()
        java, classpath = self._command(infra)
        self.process = subprocess.Popen(
            [
                java,
                *infra.KAFKA_JVM_OPTIONS,
                *classpath,
                "kafka.Kafka",
                str(self.directory / "server.properties"),
            ],
            cwd=self.directory,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.starts += 1
        log = self.directory / "server.log"

        def started() -> bool:
            assert self.process is not None
            assert self.process.poll() is None, "the private Kafka broker exited"
            return (
                log.exists()
                and log.read_text(errors="replace").count(infra.KAFKA_STARTED_LINE) >= self.starts
            )

        wait_for(started, "the private Kafka broker", timeout=90)

    def stop(self) -> None:
        """A clean broker shutdown (SIGTERM), as `infra.py` does it."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()


@pytest.fixture
def private_kafka(tmp_path) -> Iterator[PrivateKafka]:
    broker = PrivateKafka(tmp_path / "kafka")
    broker.directory.mkdir()
    broker.create()
    yield broker
    if broker.process is not None:
        broker.process.kill()
        broker.process.wait(timeout=30)


# the helpers above, for the test modules (which cannot import this conftest) ------------------------------


@pytest.fixture(name="check_exactly_once")
def _check_exactly_once() -> Callable[..., None]:
    return check_exactly_once


@pytest.fixture(name="apply_all")
def _apply_all() -> Callable[..., int]:
    return apply_all


@pytest.fixture(name="tallies")
def _tallies() -> Callable[..., dict]:
    return tallies


@pytest.fixture(name="pending")
def _pending() -> Callable[..., int]:
    return pending


@pytest.fixture(name="wait_for")
def _wait_for() -> Callable[..., None]:
    return wait_for


@pytest.fixture(name="blocked_by")
def _blocked_by() -> Callable[..., int]:
    return blocked_by


@pytest.fixture(name="handled")
def _handled() -> Callable[..., int]:
    return handled


@pytest.fixture(name="record_locked")
def _record_locked() -> Callable[..., Any]:
    return record_locked


@pytest.fixture(name="tally_locked")
def _tally_locked() -> Callable[..., Any]:
    return tally_locked


@pytest.fixture(name="service_env")
def _service_env() -> Callable[..., dict[str, str]]:
    return service_env
