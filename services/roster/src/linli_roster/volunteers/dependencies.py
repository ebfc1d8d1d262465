from __future__ import annotations

from functools import lru_cache
from typing import Annotated

from fastapi import Depends, Request

from linli_roster.access import Reader
from linli_roster.protection import IdNumberCipher
from linli_roster.volunteers.service import VolunteerService
from linli_shared.dependencies import ContextSession


@lru_cache(maxsize=4)
def _cipher(key_ring: str) -> IdNumberCipher:
    return IdNumberCipher(key_ring)


def volunteer_service(request: Request, context: Reader, session: ContextSession) -> VolunteerService:
    """Reading needs a reader; each write use case checks that the caller is the committee's staff."""
    return VolunteerService(session, context, _cipher(request.app.state.settings.id_number_keys))


VolunteerServiceDep = Annotated[VolunteerService, Depends(volunteer_service)]
