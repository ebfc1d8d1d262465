"""Events of needs and recruitment (找到人): needs, candidate decisions, promotion notices (公示).

Payloads carry ids and decisions, never a phone number."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum

from linli_shared.events.envelope import EventPayload, EventSpec

#: keyed by the need (need events), the candidate (decisions) and the volunteer (notices)
RECRUITMENT_TOPIC = "roster.recruitment"


class NeedOpenedV1(EventPayload):
    need_id: uuid.UUID
    title: str
    headcount: int
    required_skill: str | None
    required_role: str | None


class NeedClosedV1(EventPayload):
    need_id: uuid.UUID
    reason: str
    accepted: int


class CandidateDecidedV1(EventPayload):
    candidate_id: uuid.UUID
    need_id: uuid.UUID | None
    decision: str
    channel: str
    reason: str
    #: the volunteer created on acceptance
    volunteer_id: uuid.UUID | None


class PromotionNoticeV1(EventPayload):
    notice_id: uuid.UUID
    volunteer_id: uuid.UUID
    starts_on: date
    ends_on: date
    status: str
    reason: str | None


class RecruitmentEvent(StrEnum):
    NEED_OPENED = "linli.roster.need.opened.v1"
    NEED_CLOSED = "linli.roster.need.closed.v1"
    CANDIDATE_DECIDED = "linli.roster.candidate.decided.v1"
    NOTICE_OPENED = "linli.roster.promotion_notice.opened.v1"
    NOTICE_EFFECTIVE = "linli.roster.promotion_notice.effective.v1"
    NOTICE_REJECTED = "linli.roster.promotion_notice.rejected.v1"
    NOTICE_WITHDRAWN = "linli.roster.promotion_notice.withdrawn.v1"


NEED_OPENED = EventSpec(
    RecruitmentEvent.NEED_OPENED, RECRUITMENT_TOPIC, NeedOpenedV1, "A committee recorded a need for people."
)
NEED_CLOSED = EventSpec(
    RecruitmentEvent.NEED_CLOSED, RECRUITMENT_TOPIC, NeedClosedV1, "A need was closed, with a reason."
)
CANDIDATE_DECIDED = EventSpec(
    RecruitmentEvent.CANDIDATE_DECIDED,
    RECRUITMENT_TOPIC,
    CandidateDecidedV1,
    "A candidate was accepted (and became a volunteer), put in the reserve pool or declined.",
)
NOTICE_OPENED = EventSpec(
    RecruitmentEvent.NOTICE_OPENED,
    RECRUITMENT_TOPIC,
    PromotionNoticeV1,
    "A public notice (公示) for a volunteer's promotion to backbone began.",
)
NOTICE_EFFECTIVE = EventSpec(
    RecruitmentEvent.NOTICE_EFFECTIVE,
    RECRUITMENT_TOPIC,
    PromotionNoticeV1,
    "A public notice's period ended with no objection upheld: the volunteer is now backbone.",
)
NOTICE_REJECTED = EventSpec(
    RecruitmentEvent.NOTICE_REJECTED,
    RECRUITMENT_TOPIC,
    PromotionNoticeV1,
    "An objection was upheld (or the volunteer left): the promotion does not take effect.",
)
NOTICE_WITHDRAWN = EventSpec(
    RecruitmentEvent.NOTICE_WITHDRAWN,
    RECRUITMENT_TOPIC,
    PromotionNoticeV1,
    "The committee withdrew a public notice before it concluded.",
)

RECRUITMENT_EVENTS = (
    NEED_OPENED,
    NEED_CLOSED,
    CANDIDATE_DECIDED,
    NOTICE_OPENED,
    NOTICE_EFFECTIVE,
    NOTICE_REJECTED,
    NOTICE_WITHDRAWN,
)
RECRUITMENT_TOPICS = (RECRUITMENT_TOPIC,)
