"""Events of the deliberation groups (议事小组) and the mediation studio (调解工作室).

They carry ids, dates and categories only: no decision or minutes text, no names, no party of a case."""

from __future__ import annotations

import uuid
from datetime import date

from linli_shared.events.envelope import EventPayload, EventSpec

DELIBERATION_TOPIC = "roster.deliberation"
MEDIATION_TOPIC = "roster.mediation"


class DecisionRecordedV1(EventPayload):
    group_id: uuid.UUID
    topic_id: uuid.UUID
    decision_id: uuid.UUID
    meeting_id: uuid.UUID | None
    decided_on: date


class ActionCompletedV1(EventPayload):
    group_id: uuid.UUID
    decision_id: uuid.UUID
    action_id: uuid.UUID
    owner_volunteer_id: uuid.UUID
    due_on: date
    completed_on: date


class MediationCaseOpenedV1(EventPayload):
    case_id: uuid.UUID
    category: str
    received_on: date


class MediationCaseClosedV1(EventPayload):
    case_id: uuid.UUID
    category: str
    outcome: str
    received_on: date
    closed_on: date


DELIBERATION_DECISION_RECORDED = EventSpec(
    "linli.roster.deliberation.decision_recorded.v1",
    DELIBERATION_TOPIC,
    DecisionRecordedV1,
    "A deliberation group decided on a topic raised by residents (subject: the group).",
)
DELIBERATION_ACTION_COMPLETED = EventSpec(
    "linli.roster.deliberation.action_completed.v1",
    DELIBERATION_TOPIC,
    ActionCompletedV1,
    "A follow-up action of a decision was done (subject: the group).",
)
MEDIATION_CASE_OPENED = EventSpec(
    "linli.roster.mediation.case_opened.v1",
    MEDIATION_TOPIC,
    MediationCaseOpenedV1,
    "The mediation studio took in a case (subject: the case; no party names).",
)
MEDIATION_CASE_CLOSED = EventSpec(
    "linli.roster.mediation.case_closed.v1",
    MEDIATION_TOPIC,
    MediationCaseClosedV1,
    "A mediation case was closed with its outcome (subject: the case; no party names).",
)

GROUP_EVENTS = (
    DELIBERATION_DECISION_RECORDED,
    DELIBERATION_ACTION_COMPLETED,
    MEDIATION_CASE_OPENED,
    MEDIATION_CASE_CLOSED,
)
GROUP_TOPICS = (DELIBERATION_TOPIC, MEDIATION_TOPIC)
