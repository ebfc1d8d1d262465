from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from linli_roster.access import Reader, Writer
from linli_roster.spaces.schemas import AreaCreate, AreaOut, AreaUpdate
from linli_roster.spaces.service import AreaService
from linli_shared.dependencies import ContextSession
from linli_shared.openapi import PROBLEM_RESPONSES

router = APIRouter(prefix="/v1/areas", tags=["areas"], responses=PROBLEM_RESPONSES)


@router.get("", summary="Grids, micro-grids and buildings with their responsible persons")
def list_areas(context: Reader, session: ContextSession) -> list[AreaOut]:
    return AreaService(session, context).areas_with_responsible()


@router.get("/coverage-gaps", summary="Areas with nobody responsible (分片包干的空白)")
def coverage_gaps(context: Reader, session: ContextSession) -> list[AreaOut]:
    return AreaService(session, context).coverage_gaps()


@router.post("", status_code=status.HTTP_201_CREATED)
def create_area(body: AreaCreate, context: Writer, session: ContextSession) -> AreaOut:
    return AreaService(session, context).create(body)


@router.patch("/{area_id}", summary="Rename, or change the responsible person")
def update_area(area_id: uuid.UUID, body: AreaUpdate, context: Writer, session: ContextSession) -> AreaOut:
    return AreaService(session, context).update(area_id, body)
