"""Events of training (courses, qualifications with expiry) and mentor pairs (以老带新)."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum

from linli_shared.events.envelope import EventPayload, EventSpec

#: keyed by the volunteer for qualifications (one person's grants, expiries and revocations stay in order)
TRAINING_TOPIC = "roster.training"
MENTORING_TOPIC = "roster.mentoring"


class CourseCreatedV1(EventPayload):
    course_id: uuid.UUID
    name: str
    qualification: str | None
    validity_months: int | None


class QualificationV1(EventPayload):
    """The facts a scheduler needs to check "holds a valid 应急救护 on the shift's day"."""

    volunteer_id: uuid.UUID
    qualification_id: uuid.UUID
    name: str
    granted_on: date
    expires_on: date | None


class MentorPairV1(EventPayload):
    pair_id: uuid.UUID
    mentor_id: uuid.UUID
    mentee_id: uuid.UUID
    starts_on: date
    ends_on: date | None
    ended_on: date | None
    reason: str | None


class TrainingEvent(StrEnum):
    COURSE_CREATED = "linli.roster.course.created.v1"
    QUALIFICATION_GRANTED = "linli.roster.qualification.granted.v1"
    QUALIFICATION_EXPIRED = "linli.roster.qualification.expired.v1"
    QUALIFICATION_REVOKED = "linli.roster.qualification.revoked.v1"
    MENTOR_PAIR_FORMED = "linli.roster.mentor_pair.formed.v1"
    MENTOR_PAIR_ENDED = "linli.roster.mentor_pair.ended.v1"


COURSE_CREATED = EventSpec(
    TrainingEvent.COURSE_CREATED, TRAINING_TOPIC, CourseCreatedV1, "A committee added a training course."
)
QUALIFICATION_GRANTED = EventSpec(
    TrainingEvent.QUALIFICATION_GRANTED,
    TRAINING_TOPIC,
    QualificationV1,
    "A passing completion granted (or renewed) a qualification; a renewal supersedes the previous grant.",
)
QUALIFICATION_EXPIRED = EventSpec(
    TrainingEvent.QUALIFICATION_EXPIRED,
    TRAINING_TOPIC,
    QualificationV1,
    "A qualification passed its expiry date without renewal (published once, by the expiry sweep).",
)
QUALIFICATION_REVOKED = EventSpec(
    TrainingEvent.QUALIFICATION_REVOKED, TRAINING_TOPIC, QualificationV1, "Staff revoked a qualification."
)
MENTOR_PAIR_FORMED = EventSpec(
    TrainingEvent.MENTOR_PAIR_FORMED, MENTORING_TOPIC, MentorPairV1, "A mentor and a mentee were paired."
)
MENTOR_PAIR_ENDED = EventSpec(
    TrainingEvent.MENTOR_PAIR_ENDED, MENTORING_TOPIC, MentorPairV1, "A mentor pair ended, with a reason."
)

TRAINING_EVENTS = (
    COURSE_CREATED,
    QUALIFICATION_GRANTED,
    QUALIFICATION_EXPIRED,
    QUALIFICATION_REVOKED,
    MENTOR_PAIR_FORMED,
    MENTOR_PAIR_ENDED,
)
TRAINING_TOPICS = (TRAINING_TOPIC, MENTORING_TOPIC)
