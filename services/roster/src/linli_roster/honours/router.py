from __future__ import annotations

import uuid

from fastapi import APIRouter

from linli_roster.access import Reader
from linli_roster.honours.repository import HonourRepository
from linli_roster.honours.schemas import HonourOut
from linli_roster.volunteers.exceptions import VolunteerNotFound
from linli_roster.volunteers.repository import VolunteerRepository
from linli_shared.dependencies import ContextSession
from linli_shared.openapi import PROBLEM_RESPONSES

router = APIRouter(tags=["honours"], responses=PROBLEM_RESPONSES)


@router.get(
    "/v1/volunteers/{volunteer_id}/honours",
    summary="A volunteer's honours (最美志愿者, 优秀党员 …), newest first, as conferred after their public notice",
)
def volunteer_honours(volunteer_id: uuid.UUID, context: Reader, session: ContextSession) -> list[HonourOut]:
    volunteer = VolunteerRepository(session, context).get(volunteer_id)
    if volunteer is None:
        raise VolunteerNotFound()
    return [
        HonourOut(
            id=honour.id,
            programme_name=honour.programme_name,
            period=honour.period,
            conferred_on=honour.conferred_on,
        )
        for honour in HonourRepository(session, context).of_volunteer(volunteer.tenant_id, volunteer.id)
    ]
