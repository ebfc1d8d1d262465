"""Residents' satisfaction (群众评价): the signed link staff hand out with each service record, the rating the
resident gives through it (once per record, rate-limited, spam-resistant), and what staff read of them."""

from __future__ import annotations

import io
import logging
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

import segno
from prometheus_client import Counter
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from linli_evaluation.access import VolunteerNotFound, writable_committee
from linli_evaluation.config import EvaluationSettings
from linli_evaluation.database import directory, messaging
from linli_evaluation.events.feedback import RATING_RECEIVED, RatingReceivedV1
from linli_evaluation.facts.models import RecordFact, VolunteerFact
from linli_evaluation.feedback.exceptions import (
    AlreadyRated,
    FeedbackClosed,
    FeedbackLinkInvalid,
    FeedbackRateLimited,
    PeriodInvalid,
    RecordNotFound,
    RecordVoided,
)
from linli_evaluation.feedback.links import FeedbackClaims, FeedbackSigner, link_expiry
from linli_evaluation.feedback.models import Rating
from linli_evaluation.feedback.repository import FeedbackRepository
from linli_evaluation.feedback.schemas import (
    SCORE_TEXT,
    CommentOut,
    CommitteeSatisfaction,
    FeedbackFormOut,
    FeedbackLinkOut,
    FeedbackReceipt,
    RatingStatus,
    RecordRatingOut,
    Satisfaction,
    SatisfactionSummary,
    VolunteerSatisfaction,
)
from linli_shared.db import act_as
from linli_shared.tenancy import Role, TenantContext

logger = logging.getLogger(__name__)
SUBMISSIONS = Counter(
    "linli_evaluation_feedback_submissions_total",
    "Residents' rating submissions by outcome (rated, spam, already_rated, rate_limited)",
    ["outcome"],
)
#: a person reads the page and taps a star; a script posts the form back at once
MIN_FILL = timedelta(seconds=2)
RATE_WINDOW = timedelta(hours=1)
RECENT_COMMENTS = 10
#: who acts for a resident: the link's committee's own service, nothing beyond it
FEEDBACK_SUBJECT = "feedback"
#: two-character surnames: 欧阳娜娜 is 欧阳志愿者, not 欧志愿者
_COMPOUND = "欧阳司马上官诸葛东方皇甫尉迟公孙慕容长孙宇文司徒令狐夏侯端木西门南宫独孤澹台轩辕百里呼延万俟闻人申屠太史钟离宗政濮阳淳于单于公冶赫连拓跋段干东郭南门左丘"
COMPOUND_SURNAMES = frozenset(_COMPOUND[at : at + 2] for at in range(0, len(_COMPOUND), 2))
PLACEHOLDER_NAME = "志愿者"


class Spam(StrEnum):
    HONEYPOT = "honeypot"
    TOO_FAST = "too_fast"
    NO_STAMP = "no_stamp"


@dataclass(frozen=True)
class OpenLink:
    """An authentic, unexpired link, the committee it acts for and the record it names."""

    claims: FeedbackClaims
    context: TenantContext
    record: RecordFact


@dataclass(frozen=True)
class Submission:
    score: int
    comment: str
    #: the signed moment the form was shown (None: missing or not ours)
    rendered_at: datetime | None
    #: what was typed into the field people never see
    honeypot: str = ""


def public_name(name: str) -> str:
    """How the resident sees the volunteer: the surname and 志愿者 (王志愿者), for a name in Latin letters
    志愿者 and the family name's initial — never the full name."""
    name = name.strip()
    if not name or name == PLACEHOLDER_NAME:
        return PLACEHOLDER_NAME
    if name[0].isascii():
        family = name.split()[-1]
        return f"{PLACEHOLDER_NAME} {family[0].upper()}." if family[0].isalpha() else PLACEHOLDER_NAME
    surname = name[:2] if len(name) > 2 and name[:2] in COMPOUND_SURNAMES else name[0]
    return surname + PLACEHOLDER_NAME


def summarise(counts: dict[int, int]) -> Satisfaction:
    distribution = {score: counts.get(score, 0) for score in SCORE_TEXT}
    total = sum(distribution.values())
    if not total:
        return Satisfaction(ratings=0, average=None, satisfied_rate=None, distribution=distribution)
    points = sum(score * count for score, count in distribution.items())
    return Satisfaction(
        ratings=total,
        average=round(points / total, 2),
        satisfied_rate=round((distribution[4] + distribution[5]) / total, 4),
        distribution=distribution,
    )


class FeedbackService:
    def __init__(
        self, session: Session, signer: FeedbackSigner, settings: EvaluationSettings, now: datetime
    ) -> None:
        self.session = session
        self.signer = signer
        self.settings = settings
        self.now = now
        self.feedback = FeedbackRepository(session)

    # staff ---------------------------------------------------------------------------------------------

    def link(self, record_id: uuid.UUID) -> FeedbackLinkOut:
        """The record's link and its QR code, for staff to hand to the resident served."""
        record = self.feedback.record(record_id)
        if record is None:
            raise RecordNotFound()
        if record.voided:
            raise RecordVoided()
        directory.ensure_active(self.session, record.tenant_id)
        expires_at = link_expiry(record.service_date, self.settings.feedback_link_days)
        if self.now >= expires_at:
            raise FeedbackClosed(f"Ratings for this service closed at {expires_at.isoformat()}.")
        token = self.signer.link(
            FeedbackClaims(
                tenant_id=record.tenant_id,
                tenant_path=record.tenant_path,
                record_id=record.record_id,
                expires_at=expires_at,
            )
        )
        url = f"{self.settings.public_url.rstrip('/')}/feedback/{token}"
        return FeedbackLinkOut(record_id=record.record_id, url=url, expires_at=expires_at, qr_svg=_qr(url))

    # residents -----------------------------------------------------------------------------------------

    def open(self, token: str) -> OpenLink:
        """Verify the link and act, from here on, as its committee's own service; the record must be there.
        Forged, altered and foreign links all end here, the same way."""
        claims = self.signer.verify(token, self.now)
        context = TenantContext(
            tenant_id=claims.tenant_id,
            tenant_path=claims.tenant_path,
            role=Role.SERVICE,
            subject=FEEDBACK_SUBJECT,
        )
        act_as(self.session, context)
        record = self.feedback.record(claims.record_id, claims.tenant_id)
        if record is None:
            raise FeedbackLinkInvalid()
        return OpenLink(claims=claims, context=context, record=record)

    def form(self, link: OpenLink) -> FeedbackFormOut:
        """What the resident is asked to rate, with the stamp of this moment; refused once rated."""
        record = link.record
        if record.voided:
            raise RecordVoided()
        # a deactivated committee's records are read-only: no form that could not be sent
        directory.ensure_active(self.session, record.tenant_id)
        if self.feedback.rating(record.tenant_id, record.record_id) is not None:
            raise AlreadyRated()
        return FeedbackFormOut(
            activity_name=record.activity_name,
            service_date=record.service_date,
            started_at=record.started_at,
            ended_at=record.ended_at,
            volunteer=public_name(record.volunteer_name),
            expires_at=link.claims.expires_at,
            stamp=self.signer.stamp(record.record_id, self.now),
        )

    def submit(self, link: OpenLink, submission: Submission, client_address: str) -> FeedbackReceipt:
        """Store the rating, once per record. Spam gets the same receipt and stores nothing: a script told
        it was caught would only learn to look more human."""
        record = link.record
        if record.voided:
            raise RecordVoided()
        writable_committee(self.session, link.context)
        client_hash = self.signer.client_hash(client_address)
        self._within_rate(record.tenant_id, client_hash)
        receipt = FeedbackReceipt(record_id=record.record_id, score=submission.score, received_at=self.now)
        spam = self._spam(record, submission)
        if spam is not None:
            SUBMISSIONS.labels("spam").inc()
            logger.warning(
                "feedback for record %s of committee %s dropped as spam (%s), client %s",
                record.record_id,
                record.tenant_id,
                spam.value,
                client_hash[:16],
            )
            return receipt
        rating = Rating(
            tenant_id=record.tenant_id,
            record_id=record.record_id,
            tenant_path=record.tenant_path,
            volunteer_id=record.volunteer_id,
            score=submission.score,
            comment=submission.comment,
            client_hash=client_hash,
            submitted_at=self.now,
        )
        try:
            with self.session.begin_nested():
                self.session.add(rating)
        except IntegrityError as error:
            if getattr(getattr(error.orig, "diag", None), "constraint_name", None) != "ratings_pkey":
                raise
            SUBMISSIONS.labels("already_rated").inc()
            raise AlreadyRated() from error
        messaging.publish(
            self.session,
            RATING_RECEIVED,
            RatingReceivedV1(
                record_id=record.record_id,
                volunteer_id=record.volunteer_id,
                score=submission.score,
                service_date=record.service_date,
            ),
            subject=record.volunteer_id,
            tenant_id=record.tenant_id,
            tenant_path=record.tenant_path,
        )
        SUBMISSIONS.labels("rated").inc()
        return receipt

    def _within_rate(self, tenant_id: uuid.UUID, client_hash: str) -> None:
        self.feedback.lock_client(client_hash)
        recent = self.feedback.ratings_from(tenant_id, client_hash, self.now - RATE_WINDOW)
        limit = self.settings.feedback_per_hour
        if len(recent) >= limit:
            SUBMISSIONS.labels("rate_limited").inc()
            # the window frees a place when the oldest rating that fills it leaves it
            frees_at = recent[len(recent) - limit] + RATE_WINDOW
            retry_after = max(1, int((frees_at - self.now).total_seconds()) + 1)
            raise FeedbackRateLimited(
                f"At most {limit} ratings an hour from one address.", retry_after=retry_after
            )

    def _spam(self, record: RecordFact, submission: Submission) -> Spam | None:
        if submission.honeypot:
            return Spam.HONEYPOT
        if submission.rendered_at is None:
            return Spam.NO_STAMP
        if self.now - submission.rendered_at < MIN_FILL:
            return Spam.TOO_FAST
        return None


class SatisfactionService:
    """What staff, towns and districts read: a record's 评价情况, a volunteer's satisfaction, committees'."""

    def __init__(self, session: Session, context: TenantContext, settings: EvaluationSettings) -> None:
        self.session = session
        self.context = context
        self.settings = settings
        self.feedback = FeedbackRepository(session)

    def of_record(self, record_id: uuid.UUID, now: datetime) -> RecordRatingOut:
        record = self.feedback.record(record_id)
        if record is None:
            raise RecordNotFound()
        expires_at = link_expiry(record.service_date, self.settings.feedback_link_days)
        rating = self.feedback.rating(record.tenant_id, record.record_id)
        if rating is not None:
            status = RatingStatus.RATED
        elif record.voided:
            status = RatingStatus.VOIDED
        else:
            status = RatingStatus.EXPIRED if now >= expires_at else RatingStatus.AWAITING
        return RecordRatingOut(
            record_id=record.record_id,
            status=status,
            score=rating.score if rating else None,
            score_text=SCORE_TEXT[rating.score] if rating else None,
            comment=rating.comment if rating else None,
            submitted_at=rating.submitted_at if rating else None,
            link_expires_at=expires_at,
        )

    def of_volunteer(self, volunteer_id: uuid.UUID) -> VolunteerSatisfaction:
        volunteer = self.feedback.volunteer(volunteer_id)
        if volunteer is None:
            raise VolunteerNotFound()
        return self.of(volunteer)

    def of(self, volunteer: VolunteerFact) -> VolunteerSatisfaction:
        summary = summarise(self.feedback.volunteer_scores(volunteer))
        comments = [
            CommentOut(
                record_id=rating.record_id,
                score=rating.score,
                comment=rating.comment,
                activity_name=record.activity_name,
                service_date=record.service_date,
                submitted_at=rating.submitted_at,
            )
            for rating, record in self.feedback.recent_comments(volunteer, RECENT_COMMENTS)
        ]
        return VolunteerSatisfaction(
            volunteer_id=volunteer.volunteer_id,
            name=volunteer.name,
            recent_comments=comments,
            **summary.model_dump(),
        )

    def summary(self, first: date, last: date) -> SatisfactionSummary:
        if last < first:
            raise PeriodInvalid("`from` is after `to`.")
        committees = self.feedback.committees(self.context.tenant_path)
        ids = [tenant_id for tenant_id, _, _ in committees]
        records = self.feedback.records_served(ids, first, last)
        scores = self.feedback.committee_scores(ids, first, last)
        rows = []
        for tenant_id, name, path in committees:
            served = records.get(tenant_id, 0)
            summary = summarise({score: scores.get((tenant_id, score), 0) for score in SCORE_TEXT})
            rows.append(
                CommitteeSatisfaction(
                    committee_id=tenant_id,
                    name=name,
                    path=path,
                    records=served,
                    response_rate=_rate(summary.ratings, served),
                    **summary.model_dump(),
                )
            )
        overall: dict[int, int] = {}
        for (_, score), count in scores.items():
            overall[score] = overall.get(score, 0) + count
        total = summarise(overall)
        served = sum(records.values())
        return SatisfactionSummary(
            served_from=first,
            served_to=last,
            records=served,
            response_rate=_rate(total.ratings, served),
            committees=rows,
            **total.model_dump(),
        )


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _qr(url: str) -> str:
    """A standalone SVG (with its namespace): it can be inlined in a page or saved and printed as is."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer,
        kind="svg",
        scale=4,
        border=4,
        xmldecl=False,
        svgns=True,
        nl=False,
        title="扫码评价本次志愿服务",
    )
    return buffer.getvalue().decode("utf-8")
