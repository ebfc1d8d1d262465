"""What the score reads from scheduling's sign-up events and the roster's qualification events
(consumer-side contracts).

The producers own these payloads and may add fields: each model lists only what the score depends on and
ignores the rest. Their JSON Schemas are committed in `events/expected/`; a contract test checks that the
producers' committed schemas satisfy them."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TypeVar

from linli_shared.events.envelope import EventPayload, EventSpec

SIGNUPS_TOPIC = "scheduling.signups"
TRAINING_TOPIC = "roster.training"


class _Read(EventPayload):
    model_config = EventPayload.model_config | {"extra": "ignore"}


class SignupV1(_Read):
    signup_id: uuid.UUID
    shift_id: uuid.UUID
    volunteer_id: uuid.UUID
    status: str
    starts_at: datetime
    #: a confirmed place given up after the volunteer's cut-off (cancelled events)
    late_cancellation: bool


class QualificationV1(_Read):
    volunteer_id: uuid.UUID
    qualification_id: uuid.UUID
    name: str
    granted_on: date
    expires_on: date | None


Read = TypeVar("Read", bound=_Read)


def _expects(event_type: str, topic: str, payload: type[Read]) -> EventSpec[Read]:
    return EventSpec(event_type, topic, payload, f"What the evaluation score reads from `{event_type}`.")


SIGNUP_CONFIRMED = _expects("linli.scheduling.signup.confirmed.v1", SIGNUPS_TOPIC, SignupV1)
SIGNUP_CANCELLED = _expects("linli.scheduling.signup.cancelled.v1", SIGNUPS_TOPIC, SignupV1)
SIGNUP_NO_SHOW = _expects("linli.scheduling.signup.no_show.v1", SIGNUPS_TOPIC, SignupV1)
QUALIFICATION_GRANTED = _expects("linli.roster.qualification.granted.v1", TRAINING_TOPIC, QualificationV1)
QUALIFICATION_EXPIRED = _expects("linli.roster.qualification.expired.v1", TRAINING_TOPIC, QualificationV1)
QUALIFICATION_REVOKED = _expects("linli.roster.qualification.revoked.v1", TRAINING_TOPIC, QualificationV1)

SCHEDULING_EVENTS = (SIGNUP_CONFIRMED, SIGNUP_CANCELLED, SIGNUP_NO_SHOW)
ROSTER_EVENTS = (QUALIFICATION_GRANTED, QUALIFICATION_EXPIRED, QUALIFICATION_REVOKED)
EXPECTED_EVENTS = (*SCHEDULING_EVENTS, *ROSTER_EVENTS)
