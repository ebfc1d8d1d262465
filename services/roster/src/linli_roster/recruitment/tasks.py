"""Periodic jobs of recruitment; the lead schedules them (one call per committee per day)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select

from linli_roster.database import directory
from linli_roster.protection import IdNumberCipher
from linli_roster.recruitment.service import RecruitmentService
from linli_roster.volunteers.service import VolunteerService
from linli_shared.db import Database
from linli_shared.tenancy import Role, TenantContext

SUBJECT = "task:apply_due_notices"


def apply_due_notices(
    database: Database, tenant_id: uuid.UUID, tenant_path: str, today: date, cipher: IdNumberCipher
) -> int:
    """公示期满: every open notice whose period ended before `today` concludes — effective (tier → backbone,
    through the volunteer service, so the tier event and history are written) unless an objection was
    upheld. Notices with objections not yet ruled on wait. Idempotent; returns how many notices concluded."""
    context = TenantContext(tenant_id=tenant_id, tenant_path=tenant_path, role=Role.SERVICE, subject=SUBJECT)
    with database.transaction(context) as session:
        active = select(directory.table.c.active).where(directory.table.c.id == tenant_id)
        if session.scalar(active) is False:  # a deactivated committee's roster is read-only
            return 0
        volunteers = VolunteerService(session, context, cipher)
        return RecruitmentService(session, context, volunteers).apply_due(today)
