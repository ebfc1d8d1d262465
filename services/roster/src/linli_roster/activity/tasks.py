"""The inactivity sweep (退出机制: 长期未服务): flag active volunteers with no service for N months."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import func, select

from linli_roster.activity.models import InactivityFlag, ServiceActivity
from linli_roster.volunteers.models import Status, Volunteer, VolunteerChange
from linli_shared.db import Database, within
from linli_shared.tenancy import Role, TenantContext


def months_before(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    return date(year, month + 1, min(day.day, 28))


def flag_inactive(
    database: Database, tenant_id: uuid.UUID, tenant_path: str, today: date, months: int
) -> int:
    """Idempotent: a volunteer with an open flag is not flagged again. Returns how many were flagged."""
    context = TenantContext(
        tenant_id=tenant_id, tenant_path=tenant_path, role=Role.SERVICE, subject="task:inactivity"
    )
    cutoff = months_before(today, months)
    with database.transaction(context) as session:
        last_served = func.coalesce(ServiceActivity.last_served_on, Volunteer.joined_on)
        open_flag = (
            select(InactivityFlag.id)
            .where(
                InactivityFlag.tenant_id == Volunteer.tenant_id,
                InactivityFlag.volunteer_id == Volunteer.id,
                InactivityFlag.cleared_on.is_(None),
            )
            .exists()
        )
        rows = session.execute(
            select(Volunteer, ServiceActivity.last_served_on)
            .outerjoin(
                ServiceActivity,
                (ServiceActivity.tenant_id == Volunteer.tenant_id)
                & (ServiceActivity.volunteer_id == Volunteer.id),
            )
            .where(
                Volunteer.tenant_id == tenant_id,
                within(Volunteer.tenant_path, tenant_path),
                Volunteer.status == Status.ACTIVE,
                last_served < cutoff,
                ~open_flag,
            )
        ).all()
        for volunteer, served_on in rows:
            session.add(
                InactivityFlag(
                    tenant_id=tenant_id,
                    id=uuid.uuid4(),
                    tenant_path=volunteer.tenant_path,
                    volunteer_id=volunteer.id,
                    flagged_on=today,
                    last_served_on=served_on,
                )
            )
            session.add(
                VolunteerChange(
                    tenant_id=tenant_id,
                    id=uuid.uuid4(),
                    tenant_path=volunteer.tenant_path,
                    volunteer_id=volunteer.id,
                    change="flagged_inactive",
                    detail=f"{months} months",
                    reason=f"no service since {served_on or volunteer.joined_on}",
                    by_user="task:inactivity",
                )
            )
        return len(rows)
