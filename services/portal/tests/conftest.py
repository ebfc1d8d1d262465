"""The portal against the real services: identity, roster, scheduling and evaluation as in-process apps,
each on its own migrated database (`linli_<service>_portal_test_…`), verifying tokens through identity's
JWKS, the roster asking identity for volunteers' logins with its own client credentials, scheduling,
evaluation and the portal standing at one settable moment. The portal calls them over HTTP (the test
clients are httpx clients), exactly as it calls them deployed.

`settle()` is the system between two clicks: identity's events of this test's world handed to each
service's consumer, the other services' outboxes relayed to a private namespace on the real Kafka broker and
consumed by each service's consumer group, then the evaluation worker's tally job — until nothing moves."""

import json
import random
import re
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as wall_time
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select, text

from linli_evaluation.config import EvaluationSettings
from linli_evaluation.database import messaging as evaluation_messaging
from linli_evaluation.events.consumers import CONSUMED_TOPICS as EVALUATION_CONSUMES
from linli_evaluation.events.consumers import HANDLERS as EVALUATION_HANDLERS
from linli_evaluation.events.types import TOPICS as EVALUATION_PUBLISHES
from linli_evaluation.ledger.tallying import apply_pending, committees_with_pending
from linli_evaluation.main import create_app as create_evaluation_app
from linli_identity.admin import add_service_client
from linli_identity.database import messaging as identity_messaging
from linli_portal.config import PortalSettings
from linli_portal.main import create_app as create_portal_app
from linli_portal.upstreams import Upstreams
from linli_roster.config import RosterSettings
from linli_roster.database import messaging as roster_messaging
from linli_roster.events.consumers import CONSUMED_TOPICS as ROSTER_CONSUMES
from linli_roster.events.consumers import HANDLERS as ROSTER_HANDLERS
from linli_roster.events.types import TOPICS as ROSTER_PUBLISHES
from linli_roster.main import create_app as create_roster_app
from linli_scheduling.config import SchedulingSettings
from linli_scheduling.database import messaging as scheduling_messaging
from linli_scheduling.events.consumers import CONSUMED_TOPICS as SCHEDULING_CONSUMES
from linli_scheduling.events.consumers import HANDLERS as SCHEDULING_HANDLERS
from linli_scheduling.events.types import TOPICS as SCHEDULING_PUBLISHES
from linli_scheduling.main import create_app as create_scheduling_app
from linli_shared.clock import SHANGHAI, SettableClock
from linli_shared.db import Database
from linli_shared.events.consumer import ConsumerRunner, Handler
from linli_shared.events.kafka import make_consumer, make_producer
from linli_shared.events.outbox import Messaging
from linli_shared.events.processes import consumer_runner, create_topics
from linli_shared.events.relay import OutboxRelay
from linli_shared.tenancy import ROOT_LABEL, Role, TenantContext
from linli_shared.testing import foreign_event, fresh_service_database, service_record_data

SERVICES = Path(__file__).resolve().parents[2]
#: how long `settle()` waits for the broker before it fails the test
SETTLE_SECONDS = 60.0
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


# the four services and the portal ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def portal_clock() -> SettableClock:
    return SettableClock()


@pytest.fixture
def clock(portal_clock: SettableClock) -> Iterator[SettableClock]:
    """Stand scheduling, evaluation and the portal at a moment: `clock.at = datetime(...)`."""
    yield portal_clock
    portal_clock.at = None


def _database(url: str) -> Database:
    return Database.from_url(url, pool_size=4)


@pytest.fixture(scope="session")
def roster_service_client(identity_database) -> tuple[str, str]:
    client_id, secret = f"roster-portal-{uuid.uuid4().hex[:8]}", "the roster's portal-test secret"
    add_service_client(identity_database, client_id, secret, ["tenants:read", "invitations:volunteer"])
    return client_id, secret


@dataclass
class Service:
    name: str
    settings: Any
    database: Database
    client: TestClient
    messaging: Messaging
    handlers: dict[str, Handler]
    consumes: tuple[str, ...]
    publishes: tuple[str, ...]


def _in_process(
    name: str,
    settings: Any,
    create_app: Callable[[Database], FastAPI],
    messaging: Messaging,
    handlers: dict[str, Handler],
    consumes: Iterable[str],
    publishes: Iterable[str],
) -> Service:
    """A service as an in-process app on its own database (`create_app(database)` makes the app)."""
    database = _database(settings.database_url)
    client = TestClient(create_app(database), raise_server_exceptions=False)
    return Service(name, settings, database, client, messaging, handlers, tuple(consumes), tuple(publishes))


@pytest.fixture(scope="session")
def services(postgres_admin_url, client, portal_clock, roster_service_client) -> Iterator[dict[str, Service]]:
    """roster, scheduling and evaluation, each on a fresh database, as in-process apps."""

    def urls(name: str):
        return fresh_service_database(postgres_admin_url, f"{name}_portal", SERVICES / name / "alembic.ini")

    roster_urls = urls("roster")
    client_id, secret = roster_service_client
    roster_settings = RosterSettings(
        database_url=roster_urls.app,
        migration_database_url=roster_urls.owner,
        id_number_keys="k1:" + "66" * 32,
        jwks_url="http://testserver/.well-known/jwks.json",
        identity_url="http://testserver",
        service_client_id=client_id,
        service_client_secret=SecretStr(secret),
        log_json=False,
    )
    scheduling_urls = urls("scheduling")
    scheduling_settings = SchedulingSettings(
        database_url=scheduling_urls.app,
        migration_database_url=scheduling_urls.owner,
        signing_key="portal-scheduling-key-" + "8" * 32,
        jwks_url="http://testserver/.well-known/jwks.json",
        public_url="https://portal.test",
        log_json=False,
    )
    evaluation_urls = urls("evaluation")
    evaluation_settings = EvaluationSettings(
        database_url=evaluation_urls.app,
        migration_database_url=evaluation_urls.owner,
        signing_key="portal-evaluation-key-" + "9" * 32,
        jwks_url="http://testserver/.well-known/jwks.json",
        # residents' links and certificates' QR codes open the portal's pages
        public_url="https://portal.test",
        log_json=False,
    )
    made = {
        "roster": _in_process(
            "roster",
            roster_settings,
            lambda database: create_roster_app(
                roster_settings, database, jwks_http=client, identity_http=client
            ),
            roster_messaging,
            ROSTER_HANDLERS,
            ROSTER_CONSUMES,
            ROSTER_PUBLISHES,
        ),
        "scheduling": _in_process(
            "scheduling",
            scheduling_settings,
            lambda database: create_scheduling_app(
                scheduling_settings, database, jwks_http=client, clock=portal_clock
            ),
            scheduling_messaging,
            SCHEDULING_HANDLERS,
            SCHEDULING_CONSUMES,
            SCHEDULING_PUBLISHES,
        ),
        "evaluation": _in_process(
            "evaluation",
            evaluation_settings,
            lambda database: create_evaluation_app(
                evaluation_settings, database, jwks_http=client, clock=portal_clock
            ),
            evaluation_messaging,
            EVALUATION_HANDLERS,
            EVALUATION_CONSUMES,
            EVALUATION_PUBLISHES,
        ),
    }
    yield made
    for service in made.values():
        service.database.dispose()


@pytest.fixture(scope="session")
def portal_settings() -> PortalSettings:
    return PortalSettings(
        session_secret="portal-test-session-secret-" + "4" * 32,
        public_url="https://portal.test",
        log_json=False,
    )


@pytest.fixture(scope="session")
def portal(services, client, portal_settings, portal_clock) -> FastAPI:
    """The portal app, its four upstreams the in-process services (`client` is identity)."""
    upstreams = Upstreams(
        identity=client,
        roster=services["roster"].client,
        scheduling=services["scheduling"].client,
        evaluation=services["evaluation"].client,
    )
    return create_portal_app(portal_settings, upstreams, clock=portal_clock)


# a browser's worth of the portal -------------------------------------------------------------------------


class PortalClient:
    """One person's browser on the portal, over HTTPS (the session cookie is Secure): follows no redirects
    unless asked, and sends the session's form token with every form, as the pages' forms do."""

    def __init__(self, app: FastAPI) -> None:
        self.http = TestClient(app, base_url="https://testserver", raise_server_exceptions=False)
        self.token: str | None = None

    def get(self, path: str, **kwargs: Any):
        response = self.http.get(path, follow_redirects=kwargs.pop("follow_redirects", False), **kwargs)
        return self._keep_token(response)

    def post(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any):
        if self.token is None:
            self.get("/login")
        form = {"csrf_token": self.token, **(data or {})}
        response = self.http.post(
            path, data=form, follow_redirects=kwargs.pop("follow_redirects", False), **kwargs
        )
        return self._keep_token(response)

    def _keep_token(self, response):
        found = (
            CSRF.search(response.text) if "text/html" in response.headers.get("content-type", "") else None
        )
        if found:
            self.token = found.group(1)
        return response

    def sign_in(self, email: str, password: str) -> None:
        response = self.post("/login", {"email": email, "password": password})
        assert response.status_code == 303, response.text
        self.get(response.headers["location"])  # a new session has a new form token


@pytest.fixture
def anonymous(portal) -> PortalClient:
    """A browser nobody has signed in on."""
    return PortalClient(portal)


@pytest.fixture
def new_browser(portal) -> Callable[[], PortalClient]:
    """`new_browser()` → another browser nobody has signed in on (a resident's phone, say)."""
    return lambda: PortalClient(portal)


@pytest.fixture
def browse(portal, world, password, committee) -> Callable[[str], PortalClient]:
    """`browse("tenant_admin")` → a browser signed in as that world user (see the identity plugin's world:
    district_admin, town_admin, tenant_admin, sibling_admin, staff, auditor, volunteer …)."""

    def signed_in(key: str) -> PortalClient:
        browser = PortalClient(portal)
        browser.sign_in(world.email(key), password)
        return browser

    return signed_in


@pytest.fixture
def slug_of(world) -> Callable[[str], str]:
    """`slug_of("committee")` → the URL slug of a world node (district, town, committee, sibling …)."""
    return lambda node: getattr(world, node).slug


# the system between two clicks ---------------------------------------------------------------------------


@dataclass
class Bus:
    """A private namespace on the real Kafka broker for this session: each service's relay publishes its
    outbox there, and each service's consumer group (named after the namespace) handles what it reads."""

    bootstrap: str
    namespace: str
    services: dict[str, Service]
    _consumers: dict[str, Any] = field(default_factory=dict)
    _runners: dict[str, ConsumerRunner] = field(default_factory=dict)
    _closing: list[Any] = field(default_factory=list)

    def start(self) -> None:
        self._producer = make_producer(self.bootstrap, client_id=f"{self.namespace}-relay")
        self._closing.append(self._producer)
        for name, service in self.services.items():
            settings = service.settings.model_copy(update={"kafka_namespace": self.namespace})
            dead_letters = make_producer(self.bootstrap, client_id=f"{self.namespace}-{name}-dlq")
            self._closing.append(dead_letters)
            self._runners[name] = consumer_runner(
                settings,
                settings.consumer_group,
                service.database,
                service.messaging,
                service.handlers,
                dead_letters,
            )
            topics = [f"{self.namespace}.{topic}" for topic in service.consumes]
            consumer = make_consumer(self.bootstrap, f"{self.namespace}-{settings.consumer_group}", topics)
            self._closing.append(consumer)
            self._consumers[name] = consumer

    def relay(self) -> int:
        """Every service's relay, until its outbox is empty; how many events went out."""
        total = 0
        for service in self.services.values():
            relay = OutboxRelay(service.database, service.messaging, self._producer, self.namespace)
            published = relay.publish_batch()
            while published:
                total += published
                published = relay.publish_batch()
        return total

    def drain(self, deadline: float) -> int:
        """Every consumer group reads to the end of its topics; how many events they handled. A group
        already at the end is not polled (a poll with nothing to read waits out its timeout)."""
        handled = 0
        for name, consumer in self._consumers.items():
            runner = self._runners[name]
            while not self._caught_up(consumer):
                assert time.monotonic() < deadline, f"the {name} consumer did not catch up"
                batches = consumer.poll(timeout_ms=200, max_records=500)
                messages = [message for batch in batches.values() for message in batch]
                for message in messages:
                    outcome = runner.handle(message.topic, message.value, message.headers or [])
                    assert not outcome.dead_lettered, f"{name} dead-lettered {message.value!r}"
                    handled += 1
                if messages:
                    consumer.commit()
        return handled

    @staticmethod
    def _caught_up(consumer: Any) -> bool:
        assigned = consumer.assignment()
        if not assigned:
            return False  # not yet joined its group: a poll does that
        ends = consumer.end_offsets(list(assigned))
        return all(consumer.position(tp) >= ends[tp] for tp in assigned)

    def close(self) -> None:
        for closeable in reversed(self._closing):
            closeable.close()


@pytest.fixture(scope="session")
def bus(kafka_bootstrap, services) -> Iterator[Bus]:
    namespace = f"portal{uuid.uuid4().hex[:10]}"
    topics = sorted({topic for s in services.values() for topic in (*s.publishes, *s.consumes)})
    any_settings = services["roster"].settings.model_copy(
        update={"kafka_bootstrap": kafka_bootstrap, "kafka_namespace": namespace, "kafka_topic_partitions": 3}
    )
    groups = [s.settings.consumer_group for s in services.values()]
    create_topics(any_settings, topics, groups)
    bus = Bus(kafka_bootstrap, namespace, services)
    bus.start()
    yield bus
    bus.close()


IDENTITY_TOPICS = ("identity.tenants", "identity.users")


@pytest.fixture
def settle(world, identity_database, services, bus, portal_clock) -> Callable[[], int]:
    """`settle()` → how many events moved: the system catches up with every click so far (see above)."""

    handed_over = [0]  # identity's outbox id up to which this world's events went to the services

    def identity_events() -> list[tuple[str, dict]]:
        """This world's identity events not yet handed to the services (the shared identity database
        holds every test's; the inbox would skip repeats, but reading them all again is slow)."""
        outbox = identity_messaging.outbox
        with identity_database.transaction() as session:
            rows = session.execute(
                select(outbox.c.id, outbox.c.topic, outbox.c.event)
                .where(
                    outbox.c.topic.in_(IDENTITY_TOPICS),
                    outbox.c.id > handed_over[0],
                    text("event->>'tenantpath' like :subtree").bindparams(subtree=f"{world.district.path}%"),
                )
                .order_by(outbox.c.id)
            ).all()
        if rows:
            handed_over[0] = rows[-1].id
        return [(row.topic, row.event) for row in rows]

    def run() -> int:
        deadline = time.monotonic() + SETTLE_SECONDS
        moved = 0
        while True:
            step = 0
            for topic, event in identity_events():
                for service in services.values():
                    if topic in service.consumes:
                        runner = ConsumerRunner(
                            service.settings.consumer_group,
                            service.database,
                            service.messaging,
                            service.handlers,
                            None,
                            "unused",
                        )
                        step += runner.handle(topic, json.dumps(event).encode(), []).handled
            step += bus.relay()
            step += bus.drain(deadline)
            step += tally(services["evaluation"].database, portal_clock)
            moved += step
            if step == 0:
                return moved

    return run


def tally(database: Database, clock: SettableClock) -> int:
    """The evaluation worker's tally job, for every committee with entries not yet applied."""
    everywhere = TenantContext(tenant_id=None, tenant_path=ROOT_LABEL, role=Role.SERVICE, subject="task:test")
    today = clock.now().astimezone(SHANGHAI).date()
    return sum(
        apply_pending(database, tenant_id, path, today)
        for tenant_id, path in committees_with_pending(database, everywhere)
    )


@pytest.fixture
def committee(world, settle):
    """The world's committees, known to every service (identity's tenant events handled)."""
    settle()
    return world.committee


# data to judge: volunteers registered through the roster, records as scheduling announces them ----------

#: a moment the reports and recognition tests stand at (Shanghai's 2026-11-20, noon)
MOMENT = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)


@pytest.fixture
def now(clock):
    clock.at = MOMENT
    return clock


@pytest.fixture
def enrol(services, login) -> Callable[..., str]:
    """`enrol("王阿姨", as_user="staff")` → the id of a volunteer the roster registered just now."""

    def register(name: str, as_user: str = "staff", party_member: bool = False) -> str:
        body = {
            "name": name,
            "phone": f"13{random.randrange(10**9):09d}",
            "joined_on": "2024-01-01",
            "channel": "self_recommended",
            "party_member": party_member,
        }
        response = services["roster"].client.post("/v1/volunteers", json=body, headers=login(as_user))
        assert response.status_code == 201, response.text
        return response.json()["id"]

    return register


@pytest.fixture
def serve(services) -> Callable[..., str]:
    """`serve(tenant, volunteer_id, hours, on=date(...))` → a record id: scheduling's record event, handled by
    evaluation's consumer as Kafka delivers it (a leader-confirmed record: its hours are verified)."""
    evaluation = services["evaluation"]
    runner = ConsumerRunner(
        evaluation.settings.consumer_group,
        evaluation.database,
        evaluation.messaging,
        evaluation.handlers,
        None,
        "unused",
    )

    def record(tenant, volunteer_id: str, hours: float, on: date = date(2026, 11, 5), **fields) -> str:
        record_id = str(uuid.uuid4())
        data = service_record_data(record_id, volunteer_id, hours, on, **fields)
        event = foreign_event(
            "linli.scheduling.service_record.recorded.v1",
            "/linli/scheduling",
            tenant,
            volunteer_id,
            data,
        )
        outcome = runner.handle("scheduling.service_records", json.dumps(event).encode(), [])
        assert outcome.handled, outcome
        return record_id

    return record


def _ok(response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _shanghai(day: date, hour: int, minute: int = 0) -> datetime:
    """A Shanghai wall-clock moment, in UTC as the clock holds it."""
    return datetime.combine(day, wall_time(hour, minute), tzinfo=SHANGHAI).astimezone(UTC)


@pytest.fixture
def serve_shift(services, login, clock) -> Callable[..., str]:
    """`serve_shift(volunteer_id, on, minutes=120)` → the id of the record the leader's confirmation made, the
    way the committee makes them: an activity 09:00–11:00 (Shanghai) on that day, the volunteer there from
    09:00 for `minutes`, confirmed through scheduling's API (the app standing at that moment; call
    `settle()` after for evaluation to hear of it)."""
    scheduling = services["scheduling"].client

    def record(volunteer_id: str, on: date, minutes: int = 120, name: str = "垃圾分类值守") -> str:
        staff = login("staff")
        clock.at = _shanghai(on, 8)
        activity = _ok(
            scheduling.post(
                "/v1/activities",
                json={
                    "name": name,
                    "kind": "service",
                    "content": "指导居民垃圾分类",
                    "recipient": "小区居民",
                    "place": "3号楼垃圾房",
                    "first_starts_at": _shanghai(on, 9).isoformat(),
                    "duration_minutes": 120,
                    "capacity": 5,
                },
                headers=staff,
            ),
            201,
        )
        shifts = _ok(
            scheduling.get(
                "/v1/shifts",
                params={"from": on.isoformat(), "to": on.isoformat(), "activity_id": activity["id"]},
                headers=staff,
            )
        )
        shift_id = (shifts if isinstance(shifts, list) else shifts["items"])[0]["id"]
        started = _shanghai(on, 9)
        clock.at = started + timedelta(minutes=minutes + 10)  # the leader confirms once they have left
        attendance = _ok(
            scheduling.post(
                f"/v1/shifts/{shift_id}/attendance",
                json={
                    "volunteer_id": volunteer_id,
                    "checked_in_at": started.isoformat(),
                    "checked_out_at": (started + timedelta(minutes=minutes)).isoformat(),
                },
                headers=staff,
            )
        )
        return attendance["record"]["id"]

    return record


@pytest.fixture
def volunteer_phone(services, login, client, settle) -> Callable[[str], dict[str, str]]:
    """`volunteer_phone(volunteer_id)` → Authorization headers of that roster volunteer's own login (their
    invitation accepted; settled, so scheduling knows the login is theirs)."""

    def accept(volunteer_id: str) -> dict[str, str]:
        invitation = _ok(
            services["roster"].client.post(
                f"/v1/volunteers/{volunteer_id}/login-invitation", headers=login("staff")
            ),
            201,
        )
        tokens = _ok(
            client.post(
                "/v1/invitations/accept",
                json={"token": invitation["token"], "password": "a volunteer's own password"},
            )
        )
        settle()
        return {"Authorization": f"Bearer {tokens['access_token']}"}

    return accept
