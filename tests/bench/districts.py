"""A bench district: towns of committees made in identity, and identity's tenant events of it handed to a
service's consumer as Kafka would deliver them (the committees become known, and writable, to it)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from linli_identity.audit.service import Actor
from linli_identity.database import messaging as identity_messaging
from linli_identity.seed import PLATFORM
from linli_identity.tenants.models import Tenant
from linli_identity.tenants.schemas import TenantCreate
from linli_identity.tenants.service import TenantService
from linli_shared.db import Database
from linli_shared.events.consumer import ConsumerRunner
from linli_shared.events.outbox import Messaging


def make_district(
    identity: Database, name: str, district_slug: str, slug: str, towns: int, committees: int
) -> tuple[Tenant, list[Tenant]]:
    """The district, `towns` towns (`{slug}-{town}`) and `committees` committees spread evenly over them
    (`{slug}-{town}-{n}`); returns the district and its committees."""
    with identity.transaction(PLATFORM) as session:
        tenants = TenantService(session, Actor(PLATFORM))
        district = tenants.create_district(name, district_slug)
        nodes = []
        for town_number in range(towns):
            town = tenants.create_child(
                TenantCreate(parent_id=district.id, name=f"镇{town_number}", slug=f"{slug}-{town_number}")
            )
            for n in range(committees // towns):
                nodes.append(
                    tenants.create_child(
                        TenantCreate(parent_id=town.id, name=f"居民区{n}", slug=f"{slug}-{town_number}-{n}")
                    )
                )
    return district, nodes


def deliver_tenant_events(
    identity: Database,
    database: Database,
    district_path: str,
    group: str,
    messaging: Messaging,
    handlers: Any,
) -> None:
    """Identity's tenant events of the district, handled by the `group` consumer of `database`."""
    outbox = identity_messaging.outbox
    with identity.transaction() as session:
        rows = session.scalars(
            select(outbox.c.event)
            .where(
                outbox.c.topic == "identity.tenants",
                outbox.c.event["tenantpath"].astext.startswith(district_path),
            )
            .order_by(outbox.c.id)
        ).all()
    runner = ConsumerRunner(group, database, messaging, handlers, None, "unused")
    for event in rows:
        assert runner.handle("identity.tenants", json.dumps(event).encode(), []).handled
