from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StringConstraints

from linli_evaluation.feedback.links import MAX_STAMP_LENGTH, MAX_TOKEN_LENGTH
from linli_shared.validation import PLAIN_TEXT

MAX_COMMENT = 500
#: what each score means, as the resident reads it on the page
SCORE_TEXT = {1: "非常不满意", 2: "不满意", 3: "一般", 4: "满意", 5: "非常满意"}

Score = Annotated[StrictInt, Field(ge=1, le=5, description="1 非常不满意 … 5 非常满意")]
Comment = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_COMMENT, pattern=PLAIN_TEXT)]


class FeedbackLinkOut(BaseModel):
    record_id: uuid.UUID
    url: str
    expires_at: datetime
    #: the link as a QR code, an inline SVG document to print or show on a phone
    qr_svg: str


class FeedbackFormOut(BaseModel):
    """What the resident is asked to rate — no one's personal data: the activity, the day, the time, and the
    volunteer as 王志愿者 (surname only)."""

    activity_name: str
    service_date: date
    started_at: datetime
    ended_at: datetime
    volunteer: str
    expires_at: datetime
    #: hand it back with the rating: the signed moment the form was shown
    stamp: str
    scores: dict[int, str] = Field(default_factory=lambda: dict(SCORE_TEXT))


class FeedbackSubmit(BaseModel):
    """The portal's rating of a service: the link's token, the score, an optional comment, and the stamp of
    the form it showed (from `GET /v1/feedback/{token}`)."""

    model_config = ConfigDict(extra="forbid")

    token: Annotated[str, StringConstraints(min_length=1, max_length=MAX_TOKEN_LENGTH)]
    score: Score
    comment: Comment = ""
    stamp: Annotated[str, StringConstraints(min_length=1, max_length=MAX_STAMP_LENGTH)]


class FeedbackReceipt(BaseModel):
    record_id: uuid.UUID
    score: int
    received_at: datetime


class RatingStatus(StrEnum):
    RATED = "rated"
    #: the link still works and no rating has come yet
    AWAITING = "awaiting"
    #: the link expired unrated
    EXPIRED = "expired"
    #: the record was voided before anyone rated it
    VOIDED = "voided"


class RecordRatingOut(BaseModel):
    """A record's 评价情况."""

    record_id: uuid.UUID
    status: RatingStatus
    score: int | None
    score_text: str | None
    comment: str | None
    submitted_at: datetime | None
    link_expires_at: datetime


class CommentOut(BaseModel):
    record_id: uuid.UUID
    score: int
    comment: str
    activity_name: str
    service_date: date
    submitted_at: datetime


class Satisfaction(BaseModel):
    #: ratings counted (of records not voided)
    ratings: int
    #: mean score, two decimals; None without ratings
    average: float | None
    #: share of ratings of 4 or 5 (满意率), 0–1; None without ratings
    satisfied_rate: float | None
    #: ratings per score, every score 1–5 present
    distribution: dict[int, int]


class VolunteerSatisfaction(Satisfaction):
    volunteer_id: uuid.UUID
    name: str
    #: the latest ratings that came with a comment, newest first
    recent_comments: list[CommentOut]


class CommitteeSatisfaction(Satisfaction):
    committee_id: uuid.UUID
    name: str
    path: str
    #: services in the period (records not voided) — what could have been rated
    records: int
    #: ratings / records (参评率); None without records
    response_rate: float | None


class SatisfactionSummary(Satisfaction):
    """Each committee in the caller's subtree, and all of them together, for services in [from, to]."""

    served_from: date = Field(serialization_alias="from")
    served_to: date = Field(serialization_alias="to")
    records: int
    response_rate: float | None
    committees: list[CommitteeSatisfaction]
