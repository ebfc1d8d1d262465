"""Events of recognition: an honour conferred (the roster shows it on the volunteer's profile)."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import Field

from linli_shared.events.envelope import EventPayload, EventSpec

#: keyed by the volunteer: one person's honours stay in order
HONOURS_TOPIC = "evaluation.honours"


class HonourConferredV1(EventPayload):
    honour_id: uuid.UUID
    volunteer_id: uuid.UUID
    programme_id: uuid.UUID
    #: as the programme was named when the volunteer was nominated (最美志愿者, 优秀党员 …)
    programme_name: Annotated[str, Field(min_length=1, max_length=60)]
    #: `2026` or `2026-Q4`
    period: Annotated[str, Field(min_length=1, max_length=7)]
    #: the day (Asia/Shanghai) the public notice having passed, the honour took effect
    conferred_on: date


class RecognitionEvent(StrEnum):
    HONOUR_CONFERRED = "linli.evaluation.honour.conferred.v1"


HONOUR_CONFERRED = EventSpec(
    RecognitionEvent.HONOUR_CONFERRED,
    HONOURS_TOPIC,
    HonourConferredV1,
    "A volunteer's nomination for an award passed its public notice (公示) and became an honour.",
)

RECOGNITION_EVENTS = (HONOUR_CONFERRED,)
RECOGNITION_TOPICS = (HONOURS_TOPIC,)
