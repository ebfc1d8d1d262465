"""The portal's pages on one committee with a realistic roster and a few months of history.

Identity, roster, scheduling, evaluation and the portal each run as deployed: an app in a uvicorn process of
its own on a free port of 127.0.0.1, the services verifying tokens through identity's JWKS over HTTP, the
portal calling them over HTTP with the signed-in user's token. The benchmark is the browser: an httpx
client holding the portal's session cookie. Each page's floor is the same upstream API calls the page
makes, with the same parameters and the same user's token, made directly by the benchmark one after
another (their sum per request); page and floor samples alternate, so both see the same machine.

The committee: 3 grids → 12 micro-grids → 24 buildings and 190 volunteers (40 backbone, 15 reserve,
stacked roles, responsible persons, four buildings left uncovered), all registered through the roster API
by the committee's admin; then the scheduling demo seed's weekly duties with `HISTORY_WEEKS` of history
replayed through scheduling's services (sign-ups, confirmations, no-shows, records) and four weeks
ahead, and the evaluation demo seed (tallies, ratings, scores, last month's audit). Events move between
the services as Kafka would deliver them: each outbox, in order, handed to each consumer that listens."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import re
import socket
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr
from sqlalchemy import func, select

from linli_evaluation.config import EvaluationSettings
from linli_evaluation.database import messaging as evaluation_messaging
from linli_evaluation.events.consumers import CONSUMED_TOPICS as EVALUATION_CONSUMES
from linli_evaluation.events.consumers import HANDLERS as EVALUATION_HANDLERS
from linli_evaluation.ledger.tallying import apply_pending
from linli_evaluation.seed import seed_committee as seed_evaluation
from linli_identity.accounts.models import User
from linli_identity.accounts.service import grant_membership
from linli_identity.admin import add_service_client
from linli_identity.audit.service import Actor
from linli_identity.auth.passwords import hash_password
from linli_identity.config import IdentitySettings
from linli_identity.database import messaging as identity_messaging
from linli_identity.seed import PLATFORM
from linli_identity.tenants.schemas import TenantCreate
from linli_identity.tenants.service import TenantService
from linli_portal.config import PortalSettings
from linli_portal.months import months_back
from linli_roster.config import RosterSettings
from linli_roster.database import messaging as roster_messaging
from linli_roster.events.consumers import CONSUMED_TOPICS as ROSTER_CONSUMES
from linli_roster.events.consumers import HANDLERS as ROSTER_HANDLERS
from linli_scheduling.config import SchedulingSettings
from linli_scheduling.database import messaging as scheduling_messaging
from linli_scheduling.events.consumers import CONSUMED_TOPICS as SCHEDULING_CONSUMES
from linli_scheduling.events.consumers import HANDLERS as SCHEDULING_HANDLERS
from linli_scheduling.records.models import ServiceRecord
from linli_scheduling.seed import seed_committee as seed_schedule
from linli_scheduling.signups.models import Signup, SignupStatus
from linli_shared.clock import local_date
from linli_shared.db import Database, act_as
from linli_shared.events.consumer import ConsumerRunner
from linli_shared.events.outbox import Messaging
from linli_shared.tenancy import Role, TenantContext
from linli_shared.testing import backing_service, fresh_service_database

#: page requests measured (each beside one floor sample), sign-ins measured, unmeasured rounds first
SAMPLES, SIGN_INS, WARM_UP = 200, 100, 15
VOLUNTEERS, BACKBONE, RESERVE = 190, 40, 15
#: weeks of the schedule replayed before today (the seed also plans four weeks ahead)
HISTORY_WEEKS = 12
PASSWORD = "bench password 2026"
READY_SECONDS = 180.0
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = "秀英桂兰玉华建国志强丽娟海燕明杰文静春梅凤英德明金凤美玲国庆红霞伟东小平卫东淑珍"
SKILLS = ("垃圾分类", "应急救护", "消防安全", "助老陪伴", "理发", "维修", "书法", "调解", "摄影", "文艺")
CHANNELS = ("self_recommended", "organisation_recommended", "residents_recommended", "two_way_selection")
IDENTITY_TOPICS = ("identity.tenants", "identity.users")
STARTED = time.perf_counter()


def say(message: str) -> None:
    """Progress on stderr (the results go to the report)."""
    sys.stderr.write(f"[portal bench {time.perf_counter() - STARTED:5.0f} s] {message}\n")


def measure(
    admin_url: str, repo: Path, identity: Database, identity_settings: IdentitySettings
) -> list[tuple[str, str, str]]:
    started = time.perf_counter()
    suffix = uuid.uuid4().hex[:6]
    committee, admin_email = make_committee(identity, suffix)
    client_id, client_secret = f"roster-bportal-{suffix}", f"bench roster secret {suffix}"
    add_service_client(identity, client_id, client_secret, ["tenants:read", "invitations:volunteer"])

    ports = {name: free_port() for name in ("identity", "roster", "scheduling", "evaluation", "portal")}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    jwks = f"{urls['identity']}/.well-known/jwks.json"

    def databases(name: str) -> Any:
        return fresh_service_database(admin_url, f"{name}_bportal", repo / "services" / name / "alembic.ini")

    roster_urls, scheduling_urls, evaluation_urls = (
        databases(name) for name in ("roster", "scheduling", "evaluation")
    )
    settings: dict[str, Any] = {
        "identity": identity_settings.model_copy(update={"log_json": False}),
        "roster": RosterSettings(
            database_url=roster_urls.app,
            migration_database_url=roster_urls.owner,
            id_number_keys="k1:" + "57" * 32,
            jwks_url=jwks,
            identity_url=urls["identity"],
            service_client_id=client_id,
            service_client_secret=SecretStr(client_secret),
            log_json=False,
        ),
        "scheduling": SchedulingSettings(
            database_url=scheduling_urls.app,
            migration_database_url=scheduling_urls.owner,
            signing_key="bench-portal-scheduling-" + "6" * 32,
            jwks_url=jwks,
            public_url=urls["portal"],
            log_json=False,
        ),
        "evaluation": EvaluationSettings(
            database_url=evaluation_urls.app,
            migration_database_url=evaluation_urls.owner,
            signing_key="bench-portal-evaluation-" + "4" * 32,
            jwks_url=jwks,
            public_url=urls["portal"],
            log_json=False,
        ),
        "portal": PortalSettings(
            identity_url=urls["identity"],
            roster_url=urls["roster"],
            scheduling_url=urls["scheduling"],
            evaluation_url=urls["evaluation"],
            public_url=urls["portal"],
            session_secret=SecretStr("bench-portal-session-secret-" + "3" * 32),
            # the benchmark's browser speaks plain HTTP to 127.0.0.1
            secure_cookies=False,
            log_json=False,
        ),
    }
    services = Services(ports, settings)
    try:
        services.start("identity", "roster", "scheduling", "evaluation")
        world = World(
            committee=committee,
            admin_email=admin_email,
            identity=identity,
            roster=Database.from_url(roster_urls.app, pool_size=2),
            scheduling=Database.from_url(scheduling_urls.app, pool_size=2),
            evaluation=Database.from_url(evaluation_urls.app, pool_size=2),
            urls=urls,
        )
        try:
            volunteer_phone, history = world.populate()
            services.start("portal")
            setup = time.perf_counter() - started
            rows = pages(world, volunteer_phone, history, setup)
        finally:
            world.close()
    finally:
        services.stop()
    return rows


# the committee and its people ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Committee:
    id: uuid.UUID
    path: str
    slug: str
    district_path: str


def make_committee(identity: Database, suffix: str) -> tuple[Committee, str]:
    """District → town → committee in identity, and the committee's admin (the production password hash,
    so signing in costs what it costs deployed)."""
    email = f"admin-{suffix}@bportal.linli.cn"
    with identity.transaction(PLATFORM) as session:
        tenants = TenantService(session, Actor(PLATFORM))
        district = tenants.create_district("门户压测区", f"bportal-d-{suffix}")
        town = tenants.create_child(
            TenantCreate(parent_id=district.id, name="压测镇", slug=f"bportal-t-{suffix}")
        )
        committee = tenants.create_child(
            TenantCreate(parent_id=town.id, name="西门居民区", slug=f"bportal-{suffix}")
        )
        act_as(session, login_email=email)
        user = User(
            id=uuid.uuid4(), email=email, display_name="门户压测管理员", password_hash=hash_password(PASSWORD)
        )
        session.add(user)
        session.flush()
        grant_membership(session, Actor(PLATFORM), user, committee, Role.TENANT_ADMIN, registered=True)
        made = Committee(committee.id, committee.path, committee.slug, district.path)
    return made, email


@dataclass
class Consumer:
    runner: ConsumerRunner
    topics: tuple[str, ...]


@dataclass
class World:
    committee: Committee
    admin_email: str
    identity: Database
    roster: Database
    scheduling: Database
    evaluation: Database
    urls: dict[str, str]
    cursors: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        def consumer(group: str, database: Database, messaging: Messaging, handlers: Any, topics: Any) -> Any:
            return Consumer(
                ConsumerRunner(group, database, messaging, handlers, None, "unused"), tuple(topics)
            )

        self.consumers = [
            consumer("linli-roster", self.roster, roster_messaging, ROSTER_HANDLERS, ROSTER_CONSUMES),
            consumer(
                "linli-scheduling",
                self.scheduling,
                scheduling_messaging,
                SCHEDULING_HANDLERS,
                SCHEDULING_CONSUMES,
            ),
            consumer(
                "linli-evaluation",
                self.evaluation,
                evaluation_messaging,
                EVALUATION_HANDLERS,
                EVALUATION_CONSUMES,
            ),
        ]
        self.outboxes = {
            "identity": (self.identity, identity_messaging),
            "roster": (self.roster, roster_messaging),
            "scheduling": (self.scheduling, scheduling_messaging),
            "evaluation": (self.evaluation, evaluation_messaging),
        }
        self.http = {name: httpx.Client(base_url=url, timeout=60) for name, url in self.urls.items()}

    @property
    def staff(self) -> TenantContext:
        return TenantContext(
            tenant_id=self.committee.id, tenant_path=self.committee.path, role=Role.STAFF, subject="bench"
        )

    def close(self) -> None:
        for client in self.http.values():
            client.close()
        for database in (self.roster, self.scheduling, self.evaluation):
            database.dispose()

    def settle(self) -> int:
        """Every outbox handed, in order, to every consumer listening to its topic; the evaluation worker's
        tally job; again until nothing moves. Returns how many events moved."""
        moved = 0
        while True:
            step = 0
            for name, (database, messaging) in self.outboxes.items():
                outbox = messaging.outbox
                query = select(outbox.c.id, outbox.c.topic, outbox.c.event).where(
                    outbox.c.id > self.cursors.get(name, 0)
                )
                if name == "identity":  # a shared database: only this committee's tree
                    query = query.where(
                        outbox.c.topic.in_(IDENTITY_TOPICS),
                        outbox.c.event["tenantpath"].astext.startswith(self.committee.district_path),
                    )
                with database.transaction() as session:
                    rows = session.execute(query.order_by(outbox.c.id)).all()
                for row_id, topic, event in rows:
                    for consumer in self.consumers:
                        if topic in consumer.topics:
                            outcome = consumer.runner.handle(topic, json.dumps(event).encode(), [])
                            assert not outcome.dead_lettered, (consumer.runner.group, event)
                    self.cursors[name] = row_id
                step += len(rows)
            step += int(
                apply_pending(
                    self.evaluation, self.committee.id, self.committee.path, local_date(datetime.now(UTC))
                )
            )
            moved += step
            if not step:
                return moved

    def token(self, **credentials: str) -> dict[str, str]:
        answer = self.http["identity"].post("/v1/auth/login", json={**credentials, "password": PASSWORD})
        assert answer.status_code == 200, answer.text
        return {"authorization": f"Bearer {answer.json()['access_token']}"}

    def populate(self) -> tuple[str, str]:
        """The roster through its API, the schedule and evaluation through their seeds; one volunteer with
        the most records given a login. Returns that volunteer's phone and what the history holds."""
        self.settle()  # the committee known to every service
        admin = self.token(email=self.admin_email)
        roster = self.http["roster"]

        def call(method: str, path: str, body: Any) -> Any:
            answer = roster.request(method, path, json=body, headers=admin)
            assert answer.status_code in (200, 201), (path, answer.text)
            return answer.json()

        rng = random.Random(20_261_125)
        grids = [call("POST", "/v1/areas", {"kind": "grid", "name": f"第{n}网格"}) for n in "一二三"]
        micro_grids = [
            call(
                "POST",
                "/v1/areas",
                {"kind": "micro_grid", "name": f"{n + 1}号微网格", "parent_id": grids[n // 4]["id"]},
            )
            for n in range(12)
        ]
        buildings = [
            call(
                "POST",
                "/v1/areas",
                {"kind": "building", "name": f"{n + 1}号楼", "parent_id": micro_grids[n // 2]["id"]},
            )
            for n in range(24)
        ]
        phones: dict[str, str] = {}
        people: list[dict[str, Any]] = []
        while len(people) < VOLUNTEERS:
            phone = f"139{rng.randrange(10**8):08d}"
            if phone in phones.values():
                continue
            person = call(
                "POST",
                "/v1/volunteers",
                {
                    "name": rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2)))),
                    "phone": phone,
                    "building_id": buildings[len(people) % len(buildings)]["id"],
                    "skills": rng.sample(SKILLS, rng.randint(1, 3)),
                    "availability": rng.choice(("工作日上午", "周末", "晚上", "随时")),
                    "party_member": rng.random() < 0.35,
                    "joined_on": (date(2019, 1, 1) + timedelta(days=rng.randrange(2000))).isoformat(),
                    "channel": rng.choice(CHANNELS),
                },
            )
            phones[person["id"]] = phone
            people.append(person)
        for n, person in enumerate(people):
            tier = "backbone" if n < BACKBONE else "reserve" if n >= VOLUNTEERS - RESERVE else None
            if tier:
                call("POST", f"/v1/volunteers/{person['id']}/tier", {"tier": tier, "reason": "换届评定"})

        def role(
            person: dict[str, Any], kind: str, area: dict[str, Any] | None = None, note: str = ""
        ) -> None:
            body = {"role": kind, "starts_on": "2024-01-01", "scope_note": note}
            if area is not None:
                body["area_id"] = area["id"]
            call("POST", f"/v1/volunteers/{person['id']}/roles", body)

        for n, area in enumerate(micro_grids):
            role(people[n], "micro_grid_leader", area)
            call("PATCH", f"/v1/areas/{area['id']}", {"responsible_volunteer_id": people[n]["id"]})
        for n, area in enumerate(buildings[:20]):  # four buildings left without anyone: coverage gaps
            role(people[n + 5], "building_group_leader", area)
            call("PATCH", f"/v1/areas/{area['id']}", {"responsible_volunteer_id": people[n + 5]["id"]})
        for n, area in enumerate(grids):
            call("PATCH", f"/v1/areas/{area['id']}", {"responsible_volunteer_id": people[n]["id"]})
        for n in range(6):
            role(people[n * 3], "party_group_leader", note=f"第{n + 1}党小组")
        self.settle()
        say(
            f"roster: {len(people)} volunteers and {len(grids + micro_grids + buildings)} areas through the API"
        )

        schedule = seed_schedule(
            self.scheduling,
            self.committee.id,
            self.committee.path,
            VOLUNTEERS,
            wait_seconds=10,
            history_weeks=HISTORY_WEEKS,
        )
        records = int(schedule.rsplit(" records", 1)[0].rsplit(" ", 1)[-1])
        self.settle()
        say(f"scheduling: {schedule}")
        evaluation = seed_evaluation(
            self.evaluation, self.committee.id, self.committee.path, records, wait_seconds=10
        )
        self.settle()
        say(f"evaluation: {evaluation}")

        # the volunteer with the most records among those with shifts coming up
        coming = select(Signup.volunteer_id).where(
            Signup.starts_at > datetime.now(UTC),
            Signup.status.in_((SignupStatus.CONFIRMED, SignupStatus.WAITLISTED)),
        )
        with self.scheduling.transaction(self.staff) as session:
            busiest = session.execute(
                select(ServiceRecord.volunteer_id, func.count())
                .where(ServiceRecord.volunteer_id.in_(coming))
                .group_by(ServiceRecord.volunteer_id)
                .order_by(func.count().desc(), ServiceRecord.volunteer_id)
                .limit(1)
            ).one()
        volunteer_id = str(busiest[0])
        invitation = call("POST", f"/v1/volunteers/{volunteer_id}/login-invitation", {})
        accepted = self.http["identity"].post(
            "/v1/invitations/accept", json={"token": invitation["token"], "password": PASSWORD}
        )
        assert accepted.status_code == 200, accepted.text
        self.settle()
        return phones[volunteer_id], (
            f"a schedule of {schedule} ({HISTORY_WEEKS} weeks back, 4 ahead), evaluation with {evaluation}; "
            f"the signed-in volunteer has {busiest[1]} records"
        )


# the five processes -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(name: str, settings: Any, port: int) -> None:
    """One app in a uvicorn process of its own, as `linli-<name> serve` runs it."""
    import uvicorn

    if name == "identity":
        from linli_identity.main import create_app as identity_app

        app = identity_app(settings)
    elif name == "roster":
        from linli_roster.main import create_app as roster_app

        app = roster_app(settings)
    elif name == "scheduling":
        from linli_scheduling.main import create_app as scheduling_app

        app = scheduling_app(settings)
    elif name == "evaluation":
        from linli_evaluation.main import create_app as evaluation_app

        app = evaluation_app(settings)
    else:
        from linli_portal.main import create_app as portal_app

        app = portal_app(settings)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


class Services:
    def __init__(self, ports: dict[str, int], settings: dict[str, Any]) -> None:
        self.ports, self.settings = ports, settings
        self.processes: dict[str, Any] = {}
        self.context = multiprocessing.get_context("spawn")

    def start(self, *names: str) -> None:
        for name in names:
            process = self.context.Process(
                target=serve, args=(name, self.settings[name], self.ports[name]), name=f"bench-{name}"
            )
            process.start()
            self.processes[name] = process
        deadline = time.monotonic() + READY_SECONDS
        for name in names:
            while True:
                assert self.processes[name].is_alive(), f"{name} exited before it was ready"
                assert time.monotonic() < deadline, f"{name} not ready after {READY_SECONDS:.0f} s"
                try:
                    if (
                        httpx.get(f"http://127.0.0.1:{self.ports[name]}/healthz", timeout=2).status_code
                        == 200
                    ):
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.2)

    def stop(self) -> None:
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            process.join(15)
            if process.is_alive():
                process.kill()
                process.join()


# the pages ------------------------------------------------------------------------------------------------


class Browser:
    """One person's browser on the portal: keeps the session cookie, sends the form token with a form."""

    def __init__(self, url: str) -> None:
        self.http = httpx.Client(base_url=url, timeout=60)

    def form_token(self) -> str:
        page = self.http.get("/login")
        found = CSRF.search(page.text)
        assert found, page.text
        return found.group(1)

    def sign_in(self, identifier: str, token: str | None = None) -> httpx.Response:
        form = {"csrf_token": token or self.form_token(), "email": identifier, "password": PASSWORD}
        answer = self.http.post("/login", data=form)
        assert answer.status_code == 303, answer.text
        return answer

    def page(self, path: str) -> httpx.Response:
        answer = self.http.get(path)
        assert answer.status_code == 200, (path, answer.status_code, answer.text[:500])
        return answer


class Floor:
    """A page's upstream calls made directly, one after another, each call's time kept as well."""

    def __init__(
        self,
        http: dict[str, httpx.Client],
        headers: dict[str, str],
        calls: list[tuple[str, str, dict[str, Any]]],
    ) -> None:
        self.http, self.headers, self.calls = http, headers, calls
        self.by_call: dict[str, list[float]] = {path: [] for _, path, _ in calls}

    def __call__(self) -> None:
        for service, path, params in self.calls:
            started = time.perf_counter()
            answer = self.http[service].get(path, params=params, headers=self.headers)
            assert answer.status_code == 200, (path, answer.text)
            answer.json()
            self.by_call[path].append((time.perf_counter() - started) * 1000)

    def breakdown(self) -> str:
        """Each call's median over the measured samples (the warm-up left out)."""
        medians = (
            f"{path.removeprefix('/v1/')} {statistics.median(times[-SAMPLES:]):.1f}"
            for path, times in self.by_call.items()
        )
        return "p50 by call, ms: " + ", ".join(medians)


def clocked(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def alternating(
    page: Callable[[], Any], floor: Callable[[], Any], samples: int
) -> tuple[list[float], list[float]]:
    """Page and floor one after the other, taking turns to go first; after a few unmeasured rounds."""
    for _ in range(WARM_UP):
        page()
        floor()
    pages, floors = [], []
    for n in range(samples):
        if n % 2:
            pages.append(clocked(page))
            floors.append(clocked(floor))
        else:
            floors.append(clocked(floor))
            pages.append(clocked(page))
    return pages, floors


def spread(timings: list[float], cuts: tuple[int, ...] = (50, 95, 99)) -> str:
    quantiles = statistics.quantiles(timings, n=100)
    return " · ".join(f"p{cut} {quantiles[cut - 1]:.1f} ms" for cut in cuts)


def pages(world: World, volunteer_phone: str, history: str, setup: float) -> list[tuple[str, str, str]]:
    portal, http = world.urls["portal"], world.http
    slug = world.committee.slug
    where = (
        f"{VOLUNTEERS} volunteers registered through the roster API, {history}; each service and the portal "
        f"a uvicorn process on 127.0.0.1, real HTTP (setup {setup:.0f} s)"
    )
    rows = []

    def measured(what: str, browser: Browser, path: str, floor: Floor) -> tuple[str, str, str]:
        page, floors = alternating(lambda: browser.page(path), floor, SAMPLES)
        return what, spread(page), f"{spread(floors)} ({floor.breakdown()})"

    # the committee's front page and its volunteer list, as its admin --------------------------------------
    admin = Browser(portal)
    admin.sign_in(world.admin_email)
    headers = world.token(email=world.admin_email)
    today = local_date(datetime.now(UTC))
    months = months_back(today, 12)
    dashboard = Floor(
        http,
        headers,
        [
            ("evaluation", "/v1/reports/committee-monthly", {"month": today.strftime("%Y-%m")}),
            ("evaluation", "/v1/reports/rollup", {"from": months[0], "to": months[-1]}),
            ("roster", "/v1/areas/coverage-gaps", {}),
        ],
    )
    front = admin.page(f"/t/{slug}/").text
    assert all(f"{n}号楼" in front for n in (21, 22, 23, 24)), "the four uncovered buildings"
    say(f"measuring: setup took {setup:.0f} s; the dashboard")
    rows.append(
        measured(
            f"Portal: committee dashboard `/t/<slug>/`, signed-in admin, {SAMPLES} requests; {where} "
            "(floor: its 3 upstream calls — evaluation committee-monthly and 12-month rollup, roster coverage "
            "gaps — made directly with the admin's token, summed per request)",
            admin,
            f"/t/{slug}/",
            dashboard,
        )
    )

    volunteers = Floor(
        http,
        headers,
        [("roster", "/v1/volunteers", {"limit": 50, "status": "active"}), ("roster", "/v1/areas", {})],
    )
    listed = admin.page(f"/t/{slug}/volunteers").text
    assert len(set(re.findall(rf"/t/{slug}/volunteers/([0-9a-f-]{{36}})", listed))) == 50, "50 volunteers"
    say("measuring: the volunteer list")
    rows.append(
        measured(
            f"Portal: volunteer list `/t/<slug>/volunteers` (50 of {VOLUNTEERS}), signed-in admin, {SAMPLES} "
            "requests (floor: roster `/v1/volunteers` page + `/v1/areas`, made directly, summed per request)",
            admin,
            f"/t/{slug}/volunteers",
            volunteers,
        )
    )

    # the volunteer's phone -------------------------------------------------------------------------------
    volunteer = Browser(portal)
    volunteer.sign_in(volunteer_phone)
    mine = world.token(phone=volunteer_phone)
    home = Floor(http, mine, [("scheduling", "/v1/me/signups", {}), ("evaluation", "/v1/me/hours", {})])
    assert "/me/signups/" in volunteer.page("/me/").text, "the volunteer's upcoming shifts"
    say("measuring: the volunteer's home")
    rows.append(
        measured(
            f"Portal: a volunteer's phone home `/me/`, {SAMPLES} requests (floor: scheduling "
            "`/v1/me/signups` + evaluation `/v1/me/hours`, made directly, summed per request)",
            volunteer,
            "/me/",
            home,
        )
    )

    # signing in ------------------------------------------------------------------------------------------
    signing_in = Browser(portal)
    identity = http["identity"]
    tenant_id = str(world.committee.id)
    after_login: list[float] = []

    def sign_in_floor() -> None:
        answer = identity.post("/v1/auth/login", json={"email": world.admin_email, "password": PASSWORD})
        assert answer.status_code == 200, answer.text
        token = {"authorization": f"Bearer {answer.json()['access_token']}"}
        started = time.perf_counter()
        for path in ("/v1/me", f"/v1/tenants/{tenant_id}"):
            assert identity.get(path, headers=token).status_code == 200
        after_login.append((time.perf_counter() - started) * 1000)

    say("measuring: sign-in")
    logins, floors = [], []
    for n in range(WARM_UP + SIGN_INS):
        signing_in.http.cookies.clear()
        token = signing_in.form_token()  # a new browser's login page, not measured

        def sign_in(token: str = token) -> None:
            signing_in.sign_in(world.admin_email, token)

        if n % 2:
            portal_ms = clocked(sign_in)
            floor_ms = clocked(sign_in_floor)
        else:
            floor_ms = clocked(sign_in_floor)
            portal_ms = clocked(sign_in)
        if n >= WARM_UP:
            logins.append(portal_ms)
            floors.append(floor_ms)
    whole = [login + rest for login, rest in zip(floors, after_login[WARM_UP:], strict=True)]
    rows.append(
        (
            f"Portal: sign-in `POST /login` (a fresh browser, committee admin, argon2 as deployed), {SIGN_INS} "
            "sign-ins (floor: identity `POST /v1/auth/login` made directly; after it, the portal's two "
            "further calls `/v1/me` + `/v1/tenants/{id}` summed with it)",
            spread(logins, (50, 95)),
            f"{spread(floors, (50, 95))} (all three: {spread(whole, (50, 95))})",
        )
    )
    return rows


if __name__ == "__main__":
    # standalone: `.venv/bin/python tests/bench/portal_pages.py` (make bench runs it from run.py)
    os.environ.setdefault("LINLI_TEST_DB_SUFFIX", "bench")
    repo = Path(__file__).resolve().parents[2]
    admin = backing_service("LINLI_TEST_POSTGRES_ADMIN_URL", "postgres")
    identity_urls = fresh_service_database(admin, "identity", repo / "services" / "identity" / "alembic.ini")
    identity_settings = IdentitySettings(
        database_url=identity_urls.app,
        migration_database_url=identity_urls.owner,
        key_encryption_key="22" * 32,
    )
    identity_database = Database.from_url(identity_urls.app)
    started = time.perf_counter()
    for row in measure(admin, repo, identity_database, identity_settings):
        sys.stdout.write(" | ".join(row) + "\n")
    sys.stdout.write(f"({time.perf_counter() - started:.0f} s)\n")
    identity_database.dispose()
