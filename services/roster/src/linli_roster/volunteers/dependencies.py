from __future__ import annotations

import uuid
from functools import lru_cache
from typing import Annotated

from fastapi import Depends, Query, Request

from linli_roster.access import Reader
from linli_roster.protection import IdNumberCipher
from linli_roster.volunteers.models import RoleKind, Status, Tier
from linli_roster.volunteers.repository import VolunteerFilter
from linli_roster.volunteers.service import VolunteerService
from linli_shared.dependencies import ContextSession
from linli_shared.validation import PLAIN_TEXT


@lru_cache(maxsize=4)
def _cipher(key_ring: str) -> IdNumberCipher:
    return IdNumberCipher(key_ring)


def volunteer_service(request: Request, context: Reader, session: ContextSession) -> VolunteerService:
    """Reading needs a reader; each write use case checks that the caller is the committee's staff."""
    return VolunteerService(session, context, _cipher(request.app.state.settings.id_number_keys))


VolunteerServiceDep = Annotated[VolunteerService, Depends(volunteer_service)]


def volunteer_filter(
    status_: Annotated[Status | None, Query(alias="status")] = Status.ACTIVE,
    tier: Tier | None = None,
    role: RoleKind | None = None,
    area_id: uuid.UUID | None = None,
    name: Annotated[str | None, Query(min_length=1, max_length=50, pattern=PLAIN_TEXT)] = None,
    phone_suffix: Annotated[str | None, Query(pattern=r"^[0-9]{3,11}$")] = None,
    qualification: Annotated[str | None, Query(min_length=1, max_length=60, pattern=PLAIN_TEXT)] = None,
) -> VolunteerFilter:
    """The roster's filters, shared by the list and the Excel export."""
    return VolunteerFilter(status_, tier, role, area_id, name, phone_suffix, qualification)


VolunteerFilterDep = Annotated[VolunteerFilter, Depends(volunteer_filter)]
