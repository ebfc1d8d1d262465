"""Shift events, built in one place: every flow that creates, changes or cancels a shift announces it with
the same self-contained payload (the activity's facts included), keyed by the shift."""

from __future__ import annotations

from sqlalchemy.orm import Session

from linli_scheduling.activities.models import Activity, Shift
from linli_scheduling.database import messaging
from linli_scheduling.events import types as events
from linli_shared.events.envelope import EventSpec


def shift_payload(shift: Shift, activity: Activity, reason: str | None = None) -> events.ShiftV1:
    return events.ShiftV1(
        shift_id=shift.id,
        activity_id=activity.id,
        project_id=activity.project_id,
        activity_name=activity.name,
        kind=activity.kind,
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
        local_date=shift.local_date,
        capacity=shift.capacity,
        confirmed=shift.confirmed,
        area_id=activity.area_id,
        place=activity.place,
        leader_volunteer_id=shift.leader_volunteer_id,
        required_qualification=shift.required_qualification,
        required_role=shift.required_role,
        required_tier=shift.required_tier,
        status=shift.status,
        reason=reason,
    )


def publish_shift(
    session: Session,
    spec: EventSpec[events.ShiftV1],
    shift: Shift,
    activity: Activity,
    reason: str | None = None,
) -> None:
    messaging.publish(
        session,
        spec,
        shift_payload(shift, activity, reason),
        subject=shift.id,
        tenant_id=shift.tenant_id,
        tenant_path=shift.tenant_path,
    )
