from __future__ import annotations

import uuid
from datetime import date

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import select

from linli_roster.access import Reader
from linli_roster.activity.models import InactivityFlag
from linli_roster.volunteers.models import Volunteer
from linli_shared.db import within
from linli_shared.dependencies import ContextSession
from linli_shared.openapi import PROBLEM_RESPONSES

router = APIRouter(prefix="/v1/inactivity-flags", tags=["exits"], responses=PROBLEM_RESPONSES)


class FlagOut(BaseModel):
    volunteer_id: uuid.UUID
    name: str
    flagged_on: date
    last_served_on: date | None


@router.get("", summary="Volunteers flagged for months without service, for staff to follow up")
def open_flags(context: Reader, session: ContextSession) -> list[FlagOut]:
    rows = session.execute(
        select(InactivityFlag, Volunteer.name)
        .join(
            Volunteer,
            (Volunteer.tenant_id == InactivityFlag.tenant_id) & (Volunteer.id == InactivityFlag.volunteer_id),
        )
        .where(within(InactivityFlag.tenant_path, context.tenant_path), InactivityFlag.cleared_on.is_(None))
        .order_by(InactivityFlag.flagged_on, Volunteer.name)
    ).all()
    return [
        FlagOut(
            volunteer_id=flag.volunteer_id,
            name=name,
            flagged_on=flag.flagged_on,
            last_served_on=flag.last_served_on,
        )
        for flag, name in rows
    ]
