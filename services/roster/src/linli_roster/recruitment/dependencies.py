from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from linli_roster.recruitment.service import RecruitmentService
from linli_roster.volunteers.dependencies import VolunteerServiceDep


def recruitment_service(volunteers: VolunteerServiceDep) -> RecruitmentService:
    """Shares the request's session and context with the volunteer service (acceptance registers a
    volunteer, a notice changes a tier: one transaction)."""
    return RecruitmentService(volunteers.session, volunteers.context, volunteers)


RecruitmentServiceDep = Annotated[RecruitmentService, Depends(recruitment_service)]
