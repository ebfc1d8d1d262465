"""Events the evaluation service publishes. Each domain defines its own next to this module (as the
roster does) and they are gathered here; JSON Schemas live in `schemas/` (`make schemas`)."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum

from linli_evaluation.events.audits import AUDIT_EVENTS, AUDIT_TOPICS
from linli_evaluation.events.certificates import CERTIFICATE_EVENTS, CERTIFICATE_TOPICS
from linli_evaluation.events.feedback import FEEDBACK_EVENTS, FEEDBACK_TOPICS
from linli_evaluation.events.recognition import RECOGNITION_EVENTS, RECOGNITION_TOPICS
from linli_shared.events.envelope import EventPayload, EventSpec

#: keyed by the volunteer: one person's star changes stay in order
STARS_TOPIC = "evaluation.stars"


class StarLevelChangedV1(EventPayload):
    volunteer_id: uuid.UUID
    stars: int
    previous_stars: int
    verified_hours: float
    #: the cumulative verified hours each level needs under the policy that applied
    thresholds: list[float]
    changed_on: date


class EvaluationEvent(StrEnum):
    STAR_LEVEL_CHANGED = "linli.evaluation.star_level.changed.v1"


STAR_LEVEL_CHANGED = EventSpec(
    EvaluationEvent.STAR_LEVEL_CHANGED,
    STARS_TOPIC,
    StarLevelChangedV1,
    "A volunteer's star level (1★–5★ by cumulative verified hours) went up or down.",
)

ALL_EVENTS = (STAR_LEVEL_CHANGED, *CERTIFICATE_EVENTS, *FEEDBACK_EVENTS, *RECOGNITION_EVENTS, *AUDIT_EVENTS)
TOPICS = (STARS_TOPIC, *CERTIFICATE_TOPICS, *FEEDBACK_TOPICS, *RECOGNITION_TOPICS, *AUDIT_TOPICS)
