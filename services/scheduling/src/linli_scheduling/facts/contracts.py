"""What the scheduling service reads from the roster's events (consumer-side contracts).

The roster owns these payloads and may add fields at will: each model lists only the fields scheduling
depends on and ignores the rest. Their JSON Schemas are committed in `events/expected/`; a contract test
checks that every event the roster publishes for these types satisfies them."""

from __future__ import annotations

import uuid
from datetime import date
from typing import TypeVar

from linli_shared.events.envelope import EventPayload, EventSpec

VOLUNTEERS_TOPIC = "roster.volunteers"
AREAS_TOPIC = "roster.areas"
TRAINING_TOPIC = "roster.training"


class _RosterPayload(EventPayload):
    model_config = EventPayload.model_config | {"extra": "ignore"}


Read = TypeVar("Read", bound=_RosterPayload)


class VolunteerSnapshotV1(_RosterPayload):
    volunteer_id: uuid.UUID
    name: str
    tier: str
    status: str
    user_id: uuid.UUID | None


class VolunteerTierChangedV1(_RosterPayload):
    volunteer_id: uuid.UUID
    tier: str


class VolunteerExitedV1(_RosterPayload):
    volunteer_id: uuid.UUID


class VolunteerRoleV1(_RosterPayload):
    volunteer_id: uuid.UUID
    role_id: uuid.UUID
    role: str
    area_id: uuid.UUID | None
    starts_on: date
    ends_on: date | None


class QualificationV1(_RosterPayload):
    volunteer_id: uuid.UUID
    qualification_id: uuid.UUID
    name: str
    granted_on: date
    expires_on: date | None


class CourseCreatedV1(_RosterPayload):
    course_id: uuid.UUID
    name: str
    qualification: str | None


class AreaChangedV1(_RosterPayload):
    area_id: uuid.UUID
    parent_id: uuid.UUID | None
    kind: str
    name: str
    active: bool


def _expects(event_type: str, topic: str, payload: type[Read]) -> EventSpec[Read]:
    return EventSpec(event_type, topic, payload, f"What scheduling reads from `{event_type}`.")


VOLUNTEER_REGISTERED = _expects("linli.roster.volunteer.registered.v1", VOLUNTEERS_TOPIC, VolunteerSnapshotV1)
VOLUNTEER_UPDATED = _expects("linli.roster.volunteer.updated.v1", VOLUNTEERS_TOPIC, VolunteerSnapshotV1)
VOLUNTEER_REJOINED = _expects("linli.roster.volunteer.rejoined.v1", VOLUNTEERS_TOPIC, VolunteerSnapshotV1)
VOLUNTEER_TIER_CHANGED = _expects(
    "linli.roster.volunteer.tier_changed.v1", VOLUNTEERS_TOPIC, VolunteerTierChangedV1
)
VOLUNTEER_EXITED = _expects("linli.roster.volunteer.exited.v1", VOLUNTEERS_TOPIC, VolunteerExitedV1)
VOLUNTEER_ROLE_ASSIGNED = _expects(
    "linli.roster.volunteer.role_assigned.v1", VOLUNTEERS_TOPIC, VolunteerRoleV1
)
VOLUNTEER_ROLE_ENDED = _expects("linli.roster.volunteer.role_ended.v1", VOLUNTEERS_TOPIC, VolunteerRoleV1)
QUALIFICATION_GRANTED = _expects("linli.roster.qualification.granted.v1", TRAINING_TOPIC, QualificationV1)
QUALIFICATION_EXPIRED = _expects("linli.roster.qualification.expired.v1", TRAINING_TOPIC, QualificationV1)
QUALIFICATION_REVOKED = _expects("linli.roster.qualification.revoked.v1", TRAINING_TOPIC, QualificationV1)
COURSE_CREATED = _expects("linli.roster.course.created.v1", TRAINING_TOPIC, CourseCreatedV1)
AREA_CHANGED = _expects("linli.roster.area.changed.v1", AREAS_TOPIC, AreaChangedV1)

EXPECTED_EVENTS = (
    VOLUNTEER_REGISTERED,
    VOLUNTEER_UPDATED,
    VOLUNTEER_REJOINED,
    VOLUNTEER_TIER_CHANGED,
    VOLUNTEER_EXITED,
    VOLUNTEER_ROLE_ASSIGNED,
    VOLUNTEER_ROLE_ENDED,
    QUALIFICATION_GRANTED,
    QUALIFICATION_EXPIRED,
    QUALIFICATION_REVOKED,
    COURSE_CREATED,
    AREA_CHANGED,
)
ROSTER_TOPICS = (VOLUNTEERS_TOPIC, AREAS_TOPIC, TRAINING_TOPIC)
