"""Course completions from training sessions held on the schedule, fed by the scheduling service's
`training.attended` events.

The event is a fact (the volunteer attended, passed or not); the roster decides what it makes of it, by the
same rules as a completion staff enter: a completion already recorded for that day, a volunteer who has
exited, a course retired since or a deactivated committee leave the roster as it is, with a log line — a
retry would decide the same. The roster relies on the fields of `TrainingAttendedV1` below only; their JSON
Schema is committed in `events/expected/`."""

from __future__ import annotations

import logging
import uuid
from datetime import date
from typing import Annotated

from pydantic import Field
from sqlalchemy.orm import Session

from linli_roster.training.exceptions import CompletionRecorded, CourseRetired, VolunteerNotActive
from linli_roster.training.schemas import CompletionCreate
from linli_roster.training.service import TrainingService
from linli_shared.events.envelope import CloudEvent, EventPayload, EventSpec
from linli_shared.tenancy import TenantContext
from linli_shared.tenant_directory import TenantReadOnly

logger = logging.getLogger(__name__)

TRAINING_TOPIC = "scheduling.training"


class TrainingAttendedV1(EventPayload):
    """What the roster reads from `linli.scheduling.training.attended.v1` (extra fields are allowed: the
    producer owns the payload, the roster only depends on these)."""

    model_config = EventPayload.model_config | {"extra": "ignore"}

    course_id: uuid.UUID
    volunteer_id: uuid.UUID
    #: the session's day in Asia/Shanghai
    attended_on: date
    passed: bool
    score: Annotated[int, Field(ge=0, le=100)] | None = None


TRAINING_ATTENDED = EventSpec(
    "linli.scheduling.training.attended.v1",
    TRAINING_TOPIC,
    TrainingAttendedV1,
    "What the roster expects of a training session's result (consumer-side contract).",
)


def record_training(session: Session, event: CloudEvent, context: TenantContext) -> None:
    data = event.payload(TRAINING_ATTENDED)
    # Built without re-validation: `completed_on` is a PastDate, checked against the roster process's own
    # calendar day, which trails Asia/Shanghai's by a day for eight hours of every day on a UTC host; the
    # session's day is a fact the producer fixed once the session was over, and the payload above has
    # already checked every field's type and range.
    completion = CompletionCreate.model_construct(
        volunteer_id=data.volunteer_id,
        completed_on=data.attended_on,
        passed=data.passed,
        score=data.score,
        trainer="",
    )
    try:
        TrainingService(session, context).record_completion(data.course_id, completion)
    except (CompletionRecorded, VolunteerNotActive, CourseRetired, TenantReadOnly) as refused:
        logger.info(
            "training result not recorded as a completion",
            extra={
                "event_id": str(event.id),
                "course_id": str(data.course_id),
                "volunteer_id": str(data.volunteer_id),
                "attended_on": data.attended_on.isoformat(),
                "reason": refused.slug,
            },
        )
