"""What evaluation reads from the roster's and scheduling's events (consumer-side contracts).

The producers own these payloads and may add fields: each model lists only what evaluation depends on and
ignores the rest. Their JSON Schemas are committed in `events/expected/`; a contract test checks the
producers' committed schemas satisfy them."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TypeVar

from linli_shared.events.envelope import EventPayload, EventSpec

VOLUNTEERS_TOPIC = "roster.volunteers"
AREAS_TOPIC = "roster.areas"
SERVICE_RECORDS_TOPIC = "scheduling.service_records"


class _Read(EventPayload):
    model_config = EventPayload.model_config | {"extra": "ignore"}


class VolunteerSnapshotV1(_Read):
    volunteer_id: uuid.UUID
    name: str
    tier: str
    status: str
    party_member: bool
    joined_on: date
    user_id: uuid.UUID | None


class VolunteerTierChangedV1(_Read):
    volunteer_id: uuid.UUID
    tier: str


class VolunteerExitedV1(_Read):
    volunteer_id: uuid.UUID


class AreaChangedV1(_Read):
    area_id: uuid.UUID
    parent_id: uuid.UUID | None
    kind: str
    name: str


class ServiceRecordedV1(_Read):
    record_id: uuid.UUID
    volunteer_id: uuid.UUID
    volunteer_name: str
    activity_id: uuid.UUID
    activity_name: str
    activity_kind: str
    project_id: uuid.UUID | None
    shift_id: uuid.UUID | None
    area_id: uuid.UUID | None
    place: str
    recipient: str
    content: str
    service_date: date
    started_at: datetime
    ended_at: datetime
    service_minutes: int
    hours: float
    lead_name: str
    recorder_name: str
    source: str
    late_entry: bool
    self_reported: bool
    auto_closed: bool


class RecordEntryV1(_Read):
    record_id: uuid.UUID
    #: scheduling's ledger entry: what makes a re-published adjustment harmless
    entry_id: uuid.UUID
    volunteer_id: uuid.UUID
    delta: float
    reason: str


Read = TypeVar("Read", bound=_Read)


def _spec(event_type: str, topic: str, payload: type[Read]) -> EventSpec[Read]:
    return EventSpec(
        event_type, topic, payload, "What evaluation reads of this event (consumer-side contract)."
    )


VOLUNTEER_REGISTERED = _spec("linli.roster.volunteer.registered.v1", VOLUNTEERS_TOPIC, VolunteerSnapshotV1)
VOLUNTEER_UPDATED = _spec("linli.roster.volunteer.updated.v1", VOLUNTEERS_TOPIC, VolunteerSnapshotV1)
VOLUNTEER_REJOINED = _spec("linli.roster.volunteer.rejoined.v1", VOLUNTEERS_TOPIC, VolunteerSnapshotV1)
VOLUNTEER_TIER_CHANGED = _spec(
    "linli.roster.volunteer.tier_changed.v1", VOLUNTEERS_TOPIC, VolunteerTierChangedV1
)
VOLUNTEER_EXITED = _spec("linli.roster.volunteer.exited.v1", VOLUNTEERS_TOPIC, VolunteerExitedV1)
AREA_CHANGED = _spec("linli.roster.area.changed.v1", AREAS_TOPIC, AreaChangedV1)
RECORD_RECORDED = _spec(
    "linli.scheduling.service_record.recorded.v1", SERVICE_RECORDS_TOPIC, ServiceRecordedV1
)
RECORD_ADJUSTED = _spec("linli.scheduling.service_record.adjusted.v1", SERVICE_RECORDS_TOPIC, RecordEntryV1)
RECORD_VOIDED = _spec("linli.scheduling.service_record.voided.v1", SERVICE_RECORDS_TOPIC, RecordEntryV1)

EXPECTED = (
    VOLUNTEER_REGISTERED,
    VOLUNTEER_UPDATED,
    VOLUNTEER_REJOINED,
    VOLUNTEER_TIER_CHANGED,
    VOLUNTEER_EXITED,
    AREA_CHANGED,
    RECORD_RECORDED,
    RECORD_ADJUSTED,
    RECORD_VOIDED,
)
