from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, select
from sqlalchemy.orm import Session

from linli_scheduling.activities.models import Activity, Shift, ShiftStatus
from linli_scheduling.facts.models import AreaFact, VolunteerFact
from linli_scheduling.signups.models import LIVE, Signup
from linli_shared.db import within
from linli_shared.tenancy import TenantContext


@dataclass(frozen=True)
class Window:
    """Shifts starting in [starts, ends)."""

    starts: datetime
    ends: datetime


@dataclass(frozen=True)
class PlannedShift:
    shift: Shift
    activity: Activity
    area_name: str | None
    #: the volunteer's sign-up status, for a volunteer's calendar
    signup_status: str | None = None


class CalendarRepository:
    def __init__(self, session: Session, context: TenantContext) -> None:
        self.session = session
        self.context = context

    def volunteer(self, volunteer_id: uuid.UUID, tenant_id: uuid.UUID | None = None) -> VolunteerFact | None:
        query = select(VolunteerFact).where(
            VolunteerFact.volunteer_id == volunteer_id,
            within(VolunteerFact.tenant_path, self.context.tenant_path),
        )
        if tenant_id is not None:
            query = query.where(VolunteerFact.tenant_id == tenant_id)
        return self.session.scalars(query).first()

    def area(self, area_id: uuid.UUID) -> AreaFact | None:
        return self.session.scalars(
            select(AreaFact).where(
                AreaFact.area_id == area_id, within(AreaFact.tenant_path, self.context.tenant_path)
            )
        ).first()

    def area_with_descendants(self, area: AreaFact) -> list[uuid.UUID]:
        """A grid, its micro-grids and their buildings."""
        tree = (
            select(AreaFact.area_id)
            .where(AreaFact.tenant_id == area.tenant_id, AreaFact.area_id == area.area_id)
            .cte("area_tree", recursive=True)
        )
        tree = tree.union(
            select(AreaFact.area_id).where(
                AreaFact.tenant_id == area.tenant_id, AreaFact.parent_id == tree.c.area_id
            )
        )
        return list(self.session.scalars(select(tree.c.area_id)).all())

    def signed_up_shifts(self, volunteer: VolunteerFact, window: Window) -> list[PlannedShift]:
        """The volunteer's live sign-ups (confirmed or waitlisted) on scheduled shifts in the window."""
        query = (
            self._planned(window)
            .add_columns(Signup.status)
            .join(Signup, and_(Signup.tenant_id == Shift.tenant_id, Signup.shift_id == Shift.id))
            .where(
                Signup.tenant_id == volunteer.tenant_id,
                Signup.volunteer_id == volunteer.volunteer_id,
                Signup.status.in_(LIVE),
            )
        )
        return [
            PlannedShift(shift, activity, area_name, signup_status)
            for shift, activity, area_name, signup_status in self.session.execute(query).all()
        ]

    def scheduled_shifts(self, window: Window, area_ids: Collection[uuid.UUID] | None) -> list[PlannedShift]:
        query = self._planned(window)
        if area_ids is not None:
            query = query.where(Activity.area_id.in_(area_ids))
        return [
            PlannedShift(shift, activity, area_name)
            for shift, activity, area_name in self.session.execute(query).all()
        ]

    def _planned(self, window: Window) -> Select[Shift, Activity, str]:
        return (
            select(Shift, Activity, AreaFact.name)
            .join(Activity, and_(Activity.tenant_id == Shift.tenant_id, Activity.id == Shift.activity_id))
            .outerjoin(
                AreaFact, and_(AreaFact.tenant_id == Activity.tenant_id, AreaFact.area_id == Activity.area_id)
            )
            .where(
                within(Shift.tenant_path, self.context.tenant_path),
                Shift.status == ShiftStatus.SCHEDULED,
                Shift.starts_at >= window.starts,
                Shift.starts_at < window.ends,
            )
            .order_by(Shift.starts_at, Shift.id)
        )
