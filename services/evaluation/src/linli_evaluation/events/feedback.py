"""Events of residents' satisfaction (群众评价): a rating arrived for a service record.

The resident's comment never travels: it stays in the committee's own database, readable by its staff."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum

from pydantic import Field

from linli_shared.events.envelope import EventPayload, EventSpec

#: keyed by the volunteer: one person's ratings stay in order for whoever keeps their score
RATINGS_TOPIC = "evaluation.ratings"


class RatingReceivedV1(EventPayload):
    record_id: uuid.UUID
    volunteer_id: uuid.UUID
    #: 1 (非常不满意) … 5 (非常满意)
    score: int = Field(ge=1, le=5)
    #: the day (Asia/Shanghai) of the service the resident rated
    service_date: date


class FeedbackEvent(StrEnum):
    RATING_RECEIVED = "linli.evaluation.rating.received.v1"


RATING_RECEIVED = EventSpec(
    FeedbackEvent.RATING_RECEIVED,
    RATINGS_TOPIC,
    RatingReceivedV1,
    "A resident rated a service record (1–5) through its signed feedback link; once per record.",
)

FEEDBACK_EVENTS = (RATING_RECEIVED,)
FEEDBACK_TOPICS = (RATINGS_TOPIC,)
