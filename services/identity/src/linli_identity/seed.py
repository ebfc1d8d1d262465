"""Demo data for `make run`: a district, a town, three committees and a login for every role."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select

from linli_identity.accounts.models import User
from linli_identity.accounts.service import grant_membership
from linli_identity.audit.service import Actor
from linli_identity.auth.passwords import hash_password
from linli_identity.tenants.models import Tenant
from linli_identity.tenants.schemas import TenantCreate
from linli_identity.tenants.service import TenantService
from linli_shared.db import Database, act_as
from linli_shared.tenancy import ROOT_LABEL, Role, TenantContext

DEMO_PASSWORD = "Linli-demo-2026"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: Role
    where: str


PLATFORM = TenantContext(tenant_id=None, tenant_path=ROOT_LABEL, role=Role.PLATFORM, subject="seed")


def seed_demo(database: Database) -> list[DemoLogin]:
    """Idempotent: a second run finds the district and only reports the logins."""
    with database.transaction(PLATFORM) as session:
        existing = session.scalars(select(Tenant).where(Tenant.slug == "jinshan")).first()
        if existing is None:
            service = TenantService(session, Actor(PLATFORM))
            district = service.create_district("金山区", "jinshan")
            town = service.create_child(
                TenantCreate(parent_id=district.id, name="金山卫镇", slug="jinshanwei")
            )
            committees = [
                service.create_child(TenantCreate(parent_id=town.id, name=name, slug=slug))
                for name, slug in (
                    ("西门居民区", "ximen"),
                    ("东门居民区", "dongmen"),
                    ("南门居民区", "nanmen"),
                )
            ]
            ximen = committees[0]
            people = [
                ("district@demo.linli.cn", "区管理员 王敏", district, Role.DISTRICT_ADMIN),
                ("town@demo.linli.cn", "镇管理员 李强", town, Role.TOWN_ADMIN),
                ("admin@ximen.demo.linli.cn", "西门居委 张丽", ximen, Role.TENANT_ADMIN),
                ("staff@ximen.demo.linli.cn", "西门社工 陈静", ximen, Role.STAFF),
                ("auditor@ximen.demo.linli.cn", "督查员 刘洋", ximen, Role.AUDITOR),
                ("volunteer@ximen.demo.linli.cn", "志愿者 赵阿姨", ximen, Role.VOLUNTEER),
                ("admin@dongmen.demo.linli.cn", "东门居委 周婷", committees[1], Role.TENANT_ADMIN),
            ]
            password_hash = hash_password(DEMO_PASSWORD)
            for email, name, node, role in people:
                act_as(session, login_email=email)
                user = User(id=uuid.uuid4(), email=email, display_name=name, password_hash=password_hash)
                session.add(user)
                session.flush()
                grant_membership(session, Actor(PLATFORM), user, node, role, registered=True)
    return demo_logins()


def demo_logins() -> list[DemoLogin]:
    return [
        DemoLogin("district@demo.linli.cn", Role.DISTRICT_ADMIN, "金山区"),
        DemoLogin("town@demo.linli.cn", Role.TOWN_ADMIN, "金山卫镇"),
        DemoLogin("admin@ximen.demo.linli.cn", Role.TENANT_ADMIN, "西门居民区"),
        DemoLogin("staff@ximen.demo.linli.cn", Role.STAFF, "西门居民区"),
        DemoLogin("auditor@ximen.demo.linli.cn", Role.AUDITOR, "西门居民区"),
        DemoLogin("volunteer@ximen.demo.linli.cn", Role.VOLUNTEER, "西门居民区"),
        DemoLogin("admin@dongmen.demo.linli.cn", Role.TENANT_ADMIN, "东门居民区"),
    ]
