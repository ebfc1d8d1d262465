"""Every event the roster service publishes. Payloads are versioned; JSON Schemas live in `schemas/`."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum

from linli_roster.events.groups import GROUP_EVENTS, GROUP_TOPICS
from linli_roster.events.recruitment import RECRUITMENT_EVENTS, RECRUITMENT_TOPICS
from linli_roster.events.training import TRAINING_EVENTS, TRAINING_TOPICS
from linli_shared.events.envelope import EventPayload, EventSpec

VOLUNTEERS_TOPIC = "roster.volunteers"
AREAS_TOPIC = "roster.areas"


class VolunteerSnapshotV1(EventPayload):
    """The facts other services keep about a volunteer (no phone or ID number leaves the roster)."""

    volunteer_id: uuid.UUID
    name: str
    tier: str
    status: str
    party_member: bool
    building_id: uuid.UUID | None
    joined_on: date
    user_id: uuid.UUID | None


class VolunteerTierChangedV1(EventPayload):
    volunteer_id: uuid.UUID
    tier: str
    previous_tier: str
    reason: str


class VolunteerRoleV1(EventPayload):
    volunteer_id: uuid.UUID
    role_id: uuid.UUID
    role: str
    area_id: uuid.UUID | None
    starts_on: date
    ends_on: date | None


class VolunteerExitedV1(EventPayload):
    volunteer_id: uuid.UUID
    kind: str
    reason: str


class AreaChangedV1(EventPayload):
    area_id: uuid.UUID
    parent_id: uuid.UUID | None
    kind: str
    name: str
    responsible_volunteer_id: uuid.UUID | None
    active: bool


class RosterEvent(StrEnum):
    VOLUNTEER_REGISTERED = "linli.roster.volunteer.registered.v1"
    VOLUNTEER_UPDATED = "linli.roster.volunteer.updated.v1"
    VOLUNTEER_TIER_CHANGED = "linli.roster.volunteer.tier_changed.v1"
    VOLUNTEER_ROLE_ASSIGNED = "linli.roster.volunteer.role_assigned.v1"
    VOLUNTEER_ROLE_ENDED = "linli.roster.volunteer.role_ended.v1"
    VOLUNTEER_EXITED = "linli.roster.volunteer.exited.v1"
    VOLUNTEER_REJOINED = "linli.roster.volunteer.rejoined.v1"
    AREA_CHANGED = "linli.roster.area.changed.v1"


VOLUNTEER_REGISTERED = EventSpec(
    RosterEvent.VOLUNTEER_REGISTERED, VOLUNTEERS_TOPIC, VolunteerSnapshotV1, "A person joined the roster."
)
VOLUNTEER_UPDATED = EventSpec(
    RosterEvent.VOLUNTEER_UPDATED,
    VOLUNTEERS_TOPIC,
    VolunteerSnapshotV1,
    "A volunteer's shared facts changed.",
)
VOLUNTEER_TIER_CHANGED = EventSpec(
    RosterEvent.VOLUNTEER_TIER_CHANGED,
    VOLUNTEERS_TOPIC,
    VolunteerTierChangedV1,
    "volunteer → backbone → reserve.",
)
VOLUNTEER_ROLE_ASSIGNED = EventSpec(
    RosterEvent.VOLUNTEER_ROLE_ASSIGNED, VOLUNTEERS_TOPIC, VolunteerRoleV1, "A stacked role began."
)
VOLUNTEER_ROLE_ENDED = EventSpec(
    RosterEvent.VOLUNTEER_ROLE_ENDED, VOLUNTEERS_TOPIC, VolunteerRoleV1, "A role ended."
)
VOLUNTEER_EXITED = EventSpec(
    RosterEvent.VOLUNTEER_EXITED,
    VOLUNTEERS_TOPIC,
    VolunteerExitedV1,
    "Voluntary exit, dismissal or inactivity.",
)
VOLUNTEER_REJOINED = EventSpec(
    RosterEvent.VOLUNTEER_REJOINED, VOLUNTEERS_TOPIC, VolunteerSnapshotV1, "An exited person came back."
)
AREA_CHANGED = EventSpec(
    RosterEvent.AREA_CHANGED,
    AREAS_TOPIC,
    AreaChangedV1,
    "A grid, micro-grid or building was added or changed.",
)

ALL_EVENTS = (
    VOLUNTEER_REGISTERED,
    VOLUNTEER_UPDATED,
    VOLUNTEER_TIER_CHANGED,
    VOLUNTEER_ROLE_ASSIGNED,
    VOLUNTEER_ROLE_ENDED,
    VOLUNTEER_EXITED,
    VOLUNTEER_REJOINED,
    AREA_CHANGED,
    *TRAINING_EVENTS,
    *GROUP_EVENTS,
    *RECRUITMENT_EVENTS,
)
TOPICS = (VOLUNTEERS_TOPIC, AREAS_TOPIC, *TRAINING_TOPICS, *GROUP_TOPICS, *RECRUITMENT_TOPICS)
