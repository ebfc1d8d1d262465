from __future__ import annotations

from fastapi import APIRouter

from linli_roster.access import Reader
from linli_roster.activity.repository import ActivityRepository
from linli_roster.activity.schemas import FlagOut
from linli_shared.dependencies import ContextSession
from linli_shared.openapi import PROBLEM_RESPONSES

router = APIRouter(prefix="/v1/inactivity-flags", tags=["exits"], responses=PROBLEM_RESPONSES)


@router.get("", summary="Volunteers flagged for months without service, for staff to follow up")
def open_flags(context: Reader, session: ContextSession) -> list[FlagOut]:
    return [
        FlagOut(
            volunteer_id=flag.volunteer_id,
            name=name,
            flagged_on=flag.flagged_on,
            last_served_on=flag.last_served_on,
        )
        for flag, name in ActivityRepository(session, context).open_flags()
    ]
