"""Roster list and search latency with 50,000 volunteers in one district (250 committees × 200)."""

from __future__ import annotations

import random
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import insert

from linli_identity.accounts.models import User
from linli_identity.accounts.service import grant_membership
from linli_identity.audit.service import Actor
from linli_identity.auth.passwords import hash_password
from linli_identity.seed import PLATFORM
from linli_identity.tenants.schemas import TenantCreate
from linli_identity.tenants.service import TenantService
from linli_roster.config import RosterSettings
from linli_roster.main import create_app as create_roster
from linli_roster.volunteers.models import Volunteer
from linli_shared.db import Database, act_as
from linli_shared.tenancy import Role, TenantContext
from linli_shared.testing import fresh_service_database

COMMITTEES, PER_COMMITTEE, SAMPLES = 250, 200, 200
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = "秀英桂兰玉华建国志强丽娟海燕明杰文静春梅凤英德明金凤美玲国庆红霞伟东小平卫东淑珍"
PASSWORD = "bench password 2026"


def percentiles(call: Callable[[], None]) -> str:
    timings = []
    for _ in range(SAMPLES):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(timings, n=100)
    return f"p50 {cuts[49]:.1f} ms · p95 {cuts[94]:.1f} ms · p99 {cuts[98]:.1f} ms"


def measure(
    admin_url: str, repo: Path, identity: Database, identity_client: TestClient
) -> list[tuple[str, str, str]]:
    urls = fresh_service_database(admin_url, "roster", repo / "services" / "roster" / "alembic.ini")
    settings = RosterSettings(
        database_url=urls.app,
        migration_database_url=urls.owner,
        id_number_keys="k1:" + "55" * 32,
        jwks_url="http://testserver/.well-known/jwks.json",
    )
    roster = Database.from_url(settings.database_url)
    suffix = uuid.uuid4().hex[:6]
    with identity.transaction(PLATFORM) as session:
        tenants = TenantService(session, Actor(PLATFORM))
        district = tenants.create_district("压测区", f"bench-d-{suffix}")
        committees = []
        for town_number in range(10):
            town = tenants.create_child(
                TenantCreate(parent_id=district.id, name=f"镇{town_number}", slug=f"b-{suffix}-{town_number}")
            )
            for n in range(COMMITTEES // 10):
                slug = f"b-{suffix}-{town_number}-{n}"
                committees.append(
                    tenants.create_child(TenantCreate(parent_id=town.id, name=f"居民区{n}", slug=slug))
                )
        password_hash = hash_password(PASSWORD)
        for email, node, role in (
            (f"admin-{suffix}@bench.linli.cn", committees[0], Role.TENANT_ADMIN),
            (f"district-{suffix}@bench.linli.cn", district, Role.DISTRICT_ADMIN),
        ):
            act_as(session, login_email=email)
            user = User(id=uuid.uuid4(), email=email, display_name="压测", password_hash=password_hash)
            session.add(user)
            session.flush()
            grant_membership(session, Actor(PLATFORM), user, node, role, registered=True)
    rng = random.Random(7)
    loader = TenantContext(tenant_id=None, tenant_path=district.path, role=Role.SERVICE, subject="bench")
    with roster.transaction(loader) as session:
        rows = [
            {
                "tenant_id": committee.id,
                "id": uuid.uuid4(),
                "tenant_path": committee.path,
                "name": rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2)),
                "phone": f"139{rng.randrange(10**8):08d}",
                "skills": [],
                "availability": "",
                "party_member": False,
                "joined_on": date(2020, 1, 1),
                "channel": "imported",
                "tier": "backbone" if n % 5 == 0 else "volunteer",
                "status": "active",
                "version": 1,
            }
            for committee in committees
            for n in range(PER_COMMITTEE)
        ]
        for start in range(0, len(rows), 5000):
            session.execute(insert(Volunteer), rows[start : start + 5000])
    # statistics for the planner: only the tables' owner may analyze them
    owner = Database.from_url(urls.owner, pool_size=1)
    with owner.engine.begin() as connection:
        connection.exec_driver_sql("analyze")
    owner.dispose()

    def token(email: str) -> dict[str, str]:
        body = identity_client.post("/v1/auth/login", json={"email": email, "password": PASSWORD}).json()
        return {"Authorization": f"Bearer {body['access_token']}"}

    admin, district_admin = (
        token(f"admin-{suffix}@bench.linli.cn"),
        token(f"district-{suffix}@bench.linli.cn"),
    )
    with TestClient(create_roster(settings, roster, jwks_http=identity_client)) as client:

        def get(path: str, headers: dict[str, str]) -> Callable[[], None]:
            def call() -> None:
                assert client.get(path, headers=headers).status_code == 200

            return call

        floor = percentiles(get("/healthz", {}))
        results = [
            (
                "Committee roster page (50 of 200), committee admin",
                percentiles(get("/v1/volunteers", admin)),
                floor,
            ),
            (
                "Search by name (王), committee admin",
                percentiles(get("/v1/volunteers?name=王", admin)),
                floor,
            ),
            (
                "Search by phone suffix, committee admin",
                percentiles(get("/v1/volunteers?phone_suffix=1234", admin)),
                floor,
            ),
            (
                "District-wide backbone page over 50,000, district admin",
                percentiles(get("/v1/volunteers?tier=backbone", district_admin)),
                floor,
            ),
            (
                "District-wide name search over 50,000, district admin",
                percentiles(get("/v1/volunteers?name=王秀", district_admin)),
                floor,
            ),
        ]
    roster.dispose()
    return results
