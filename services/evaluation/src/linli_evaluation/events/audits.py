"""Events of random audits (随机抽查): a plan's seed committed (only its hash), its sample drawn (the seed
revealed, so anyone can re-run the draw), and an auditor's decision on a sampled record."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum

from linli_shared.events.envelope import EventPayload, EventSpec

#: plan events are keyed by the plan, decisions by the volunteer (one person's outcomes stay in order)
AUDITS_TOPIC = "evaluation.audits"


class AuditPlanCommittedV1(EventPayload):
    plan_id: uuid.UUID
    #: the service dates the plan will sample, inclusive
    period_start: date
    period_end: date
    #: sha256 over the 32 seed bytes; the seed itself is revealed only by the draw
    seed_hash: str
    rate: float
    min_count: int
    #: weight of each risk signal (late_entry, self_reported, auto_closed, long, frequent)
    risk_weights: dict[str, float]
    #: the rules the draw follows (`linli_evaluation.audits.draw`)
    algorithm: str


class AuditPlanDrawnV1(EventPayload):
    plan_id: uuid.UUID
    period_start: date
    period_end: date
    #: the seed, hex: its sha256 is the hash the committed event published
    seed: str
    seed_hash: str
    population: int
    sample_size: int
    sample_record_ids: list[uuid.UUID]
    algorithm: str


class AuditCompletedV1(EventPayload):
    task_id: uuid.UUID
    plan_id: uuid.UUID
    record_id: uuid.UUID
    volunteer_id: uuid.UUID
    #: confirmed | adjusted | rejected
    outcome: str
    hours_before: float
    hours_after: float
    service_date: date
    #: the day (Asia/Shanghai) the auditor decided
    decided_on: date


class AuditEvent(StrEnum):
    PLAN_COMMITTED = "linli.evaluation.audit_plan.committed.v1"
    PLAN_DRAWN = "linli.evaluation.audit_plan.drawn.v1"
    COMPLETED = "linli.evaluation.audit.completed.v1"


AUDIT_PLAN_COMMITTED = EventSpec(
    AuditEvent.PLAN_COMMITTED,
    AUDITS_TOPIC,
    AuditPlanCommittedV1,
    "An audit plan for a period was made: its seed's hash (not the seed) and its rate, least count and risk "
    "weights, published before the period's records are final.",
)
AUDIT_PLAN_DRAWN = EventSpec(
    AuditEvent.PLAN_DRAWN,
    AUDITS_TOPIC,
    AuditPlanDrawnV1,
    "An audit plan's sample was drawn after its period: the seed revealed and the records sampled.",
)
AUDIT_COMPLETED = EventSpec(
    AuditEvent.COMPLETED,
    AUDITS_TOPIC,
    AuditCompletedV1,
    "An auditor confirmed, adjusted or rejected a sampled service record's hours.",
)

AUDIT_EVENTS = (AUDIT_PLAN_COMMITTED, AUDIT_PLAN_DRAWN, AUDIT_COMPLETED)
AUDIT_TOPICS = (AUDITS_TOPIC,)
