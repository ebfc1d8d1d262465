from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from linli_roster.access import Reader, Writer
from linli_roster.rules.schemas import AcknowledgementCreate, AcknowledgementStatus, RulesCreate, RulesOut
from linli_roster.rules.service import RulesService
from linli_shared.dependencies import ContextSession
from linli_shared.openapi import PROBLEM_RESPONSES

router = APIRouter(prefix="/v1/rules", tags=["rules"], responses=PROBLEM_RESPONSES)


@router.get("", summary="Every version of the volunteer rules, newest first")
def versions(context: Reader, session: ContextSession) -> list[RulesOut]:
    return RulesService(session, context).versions()


@router.post("", status_code=status.HTTP_201_CREATED, summary="Publish a new version")
def publish(body: RulesCreate, context: Writer, session: ContextSession) -> RulesOut:
    return RulesService(session, context).publish(body)


@router.get("/{document_id}/acknowledgements", summary="Who has acknowledged this version, and who has not")
def acknowledgements(
    document_id: uuid.UUID, context: Reader, session: ContextSession
) -> AcknowledgementStatus:
    return RulesService(session, context).status(document_id)


@router.post("/{document_id}/acknowledgements", status_code=status.HTTP_201_CREATED)
def acknowledge(
    document_id: uuid.UUID, body: AcknowledgementCreate, context: Writer, session: ContextSession
) -> AcknowledgementStatus:
    return RulesService(session, context).acknowledge(document_id, body)
