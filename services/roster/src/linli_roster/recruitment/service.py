"""Needs and recruitment (找到人): record needs, find and screen candidates, decide, and promote volunteers to
backbone through a public notice (公示). Accepting a candidate registers the volunteer in the same
transaction; a notice that ends with no objection upheld changes the tier through the volunteer service."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from linli_roster.access import SEES_PHONES, writable_committee
from linli_roster.database import messaging
from linli_roster.events import recruitment as events
from linli_roster.protection import mask_phone
from linli_roster.recruitment.exceptions import (
    AlreadyDecided,
    AlreadyRuled,
    CandidateExists,
    CandidateNotFound,
    NeedClosed,
    NeedFilled,
    NeedNotFound,
    NoticeExists,
    NoticeNotFound,
    NoticeNotOpen,
    NotPromotable,
    ObjectionNotFound,
    ScoreMismatch,
    ScreeningChanged,
)
from linli_roster.recruitment.models import (
    Candidate,
    CandidateDecision,
    CandidateStatus,
    CriteriaVersion,
    Decision,
    Need,
    NeedStatus,
    NoticeStatus,
    Objection,
    ObjectionStatus,
    PromotionNotice,
    RubricVersion,
    Score,
)
from linli_roster.recruitment.repository import RecruitmentRepository
from linli_roster.recruitment.schemas import (
    CandidateCreate,
    CandidateOut,
    CandidatePage,
    CriteriaCreate,
    CriteriaOut,
    CriterionItem,
    DecisionCreate,
    DecisionOut,
    NeedClose,
    NeedCreate,
    NeedOut,
    NeedPage,
    NeedUpdate,
    NoticeCreate,
    NoticeOut,
    NoticePage,
    NoticeWithdraw,
    ObjectionCreate,
    ObjectionOut,
    ObjectionRuling,
    RankedCandidate,
    Recommender,
    RubricCreate,
    RubricItem,
    RubricOut,
    ScoreCreate,
    ScoreOut,
    ScoreSummary,
    ScreeningOut,
)
from linli_roster.volunteers.exceptions import VolunteerNotFound
from linli_roster.volunteers.models import Channel, Status, Tier, Volunteer
from linli_roster.volunteers.repository import VolunteerRepository
from linli_roster.volunteers.schemas import TierChange, VolunteerCreate
from linli_roster.volunteers.service import VolunteerService
from linli_shared.clock import shanghai_today
from linli_shared.cursors import aware_datetime, decode_cursor, encode_cursor
from linli_shared.db import within
from linli_shared.events.envelope import EventSpec, Payload
from linli_shared.problems import Forbidden
from linli_shared.tenancy import Role, TenantContext

#: 任职条件 a committee starts from (stored as version 1 on its first edit or first screening)
DEFAULT_CRITERIA = (
    CriterionItem(key="law_abiding", text="遵纪守法，品行端正"),
    CriterionItem(key="resident", text="本居民区常住居民或在本居民区工作"),
    CriterionItem(key="health", text="身体健康，有时间和精力参与服务"),
    CriterionItem(key="willing", text="热心公益，愿意为居民服务"),
)
#: "三好一会": 政治素质好、协调能力好、群众基础好、会做群众工作
DEFAULT_RUBRIC = (
    RubricItem(key="political", label="政治素质好", max_score=25),
    RubricItem(key="coordination", label="协调能力好", max_score=25),
    RubricItem(key="mass_base", label="群众基础好", max_score=25),
    RubricItem(key="mass_work", label="会做群众工作", max_score=25),
)
#: decisions still possible from each status (a reserve-pool candidate may later be accepted or declined)
ALLOWED = {
    CandidateStatus.PENDING: {Decision.ACCEPTED, Decision.RESERVE, Decision.DECLINED},
    CandidateStatus.RESERVE: {Decision.ACCEPTED, Decision.DECLINED},
}
DEFAULT_AUTHOR = "default"


class RecruitmentService:
    def __init__(self, session: Session, context: TenantContext, volunteers: VolunteerService) -> None:
        self.session = session
        self.context = context
        self.volunteers = volunteers
        self.repo = RecruitmentRepository(session, context)

    # needs ---------------------------------------------------------------------------------------------

    def open_need(self, request: NeedCreate) -> NeedOut:
        context = writable_committee(self.session, self.context)
        need = Need(
            tenant_id=context.tenant_id,
            id=uuid.uuid4(),
            tenant_path=context.tenant_path,
            title=request.title,
            description=request.description,
            headcount=request.headcount,
            required_skill=request.required_skill,
            required_role=request.required_role,
            status=NeedStatus.OPEN,
            created_by=context.subject,
        )
        self.repo.add(need)
        self._publish(
            need.id,
            need,
            events.NEED_OPENED,
            events.NeedOpenedV1(
                need_id=need.id,
                title=need.title,
                headcount=need.headcount,
                required_skill=need.required_skill,
                required_role=need.required_role,
            ),
        )
        return self.need(need.id)

    def needs(self, status: NeedStatus | None, cursor: str | None, limit: int) -> NeedPage:
        found = self.repo.needs(
            status, decode_cursor(cursor, aware_datetime, uuid.UUID) if cursor else None, limit + 1
        )
        shown = list(found[:limit])
        counts = self.repo.candidate_counts([need.id for need in shown])
        last = shown[-1] if len(found) > limit else None
        return NeedPage(
            items=[_need_out(need, *counts[need.id]) for need in shown],
            next_cursor=encode_cursor(last.created_at, last.id) if last else None,
        )

    def need(self, need_id: uuid.UUID) -> NeedOut:
        need = self._need(need_id)
        return _need_out(need, *self.repo.candidate_counts([need.id])[need.id])

    def update_need(self, need_id: uuid.UUID, request: NeedUpdate) -> NeedOut:
        writable_committee(self.session, self.context)
        need = self._need(need_id, for_update=True)
        if need.status == NeedStatus.CLOSED:
            raise NeedClosed()
        changes = request.model_dump(exclude_unset=True)
        for field in ("title", "description", "headcount"):
            if changes.get(field) is not None:
                setattr(need, field, changes[field])
        for field in ("required_skill", "required_role"):
            if field in changes:
                setattr(need, field, changes[field])
        accepted = self.repo.candidate_counts([need.id])[need.id][1]
        need.status = NeedStatus.FILLED if accepted >= need.headcount else NeedStatus.OPEN
        need.updated_at = _now()
        self.session.flush()
        return self.need(need.id)

    def close_need(self, need_id: uuid.UUID, request: NeedClose) -> NeedOut:
        writable_committee(self.session, self.context)
        need = self._need(need_id, for_update=True)
        if need.status == NeedStatus.CLOSED:
            raise NeedClosed()
        need.status, need.closed_reason = NeedStatus.CLOSED, request.reason
        need.updated_at = _now()
        self.session.flush()
        accepted = self.repo.candidate_counts([need.id])[need.id][1]
        self._publish(
            need.id,
            need,
            events.NEED_CLOSED,
            events.NeedClosedV1(need_id=need.id, reason=request.reason, accepted=accepted),
        )
        return self.need(need.id)

    # candidates ----------------------------------------------------------------------------------------

    def add_candidate(self, request: CandidateCreate) -> CandidateOut:
        context = writable_committee(self.session, self.context)
        if request.need_id is not None:
            need = self._need(request.need_id)
            if need.status == NeedStatus.CLOSED:
                raise NeedClosed()
        candidate = Candidate(
            tenant_id=context.tenant_id,
            id=uuid.uuid4(),
            tenant_path=context.tenant_path,
            need_id=request.need_id,
            name=request.name,
            phone=request.phone,
            notes=request.notes,
            channel=request.channel,
            recommending_organisation=request.recommending_organisation,
            recommenders=[recommender.model_dump() for recommender in request.recommenders],
            status=CandidateStatus.PENDING,
            created_by=context.subject,
        )
        try:
            with self.session.begin_nested():
                self.repo.add(candidate)
        except IntegrityError as error:
            raise CandidateExists() from error
        return self.candidate(candidate.id)

    def candidates(
        self,
        need_id: uuid.UUID | None,
        unlinked: bool,
        status: CandidateStatus | None,
        cursor: str | None,
        limit: int,
    ) -> CandidatePage:
        found = self.repo.candidates(
            need_id,
            unlinked,
            status,
            decode_cursor(cursor, aware_datetime, uuid.UUID) if cursor else None,
            limit + 1,
        )
        shown = list(found[:limit])
        last = shown[-1] if len(found) > limit else None
        return CandidatePage(
            items=self._candidates_out(shown),
            next_cursor=encode_cursor(last.created_at, last.id) if last else None,
        )

    def candidate(self, candidate_id: uuid.UUID) -> CandidateOut:
        return self._candidates_out([self._candidate(candidate_id)])[0]

    def decide(self, candidate_id: uuid.UUID, request: DecisionCreate) -> CandidateOut:
        """Accepting registers the volunteer (channel carried over) in this same transaction."""
        writable_committee(self.session, self.context)
        candidate = self._candidate(candidate_id, for_update=True)
        if request.decision not in ALLOWED.get(candidate.status, set()):
            raise AlreadyDecided(f"A candidate who is {candidate.status} cannot be {request.decision}.")
        need = self._need(candidate.need_id, for_update=True) if candidate.need_id else None
        if request.decision == Decision.ACCEPTED:
            if need is not None:
                if need.status == NeedStatus.CLOSED:
                    raise NeedClosed()
                if self.repo.candidate_counts([need.id])[need.id][1] >= need.headcount:
                    raise NeedFilled()
            volunteer = self.volunteers.register(
                VolunteerCreate(
                    name=candidate.name,
                    phone=candidate.phone,
                    joined_on=shanghai_today(),
                    channel=Channel(candidate.channel),
                )
            )
            candidate.volunteer_id = volunteer.id
        candidate.status = CandidateStatus(request.decision.value)
        candidate.updated_at = _now()
        self.session.flush()
        if (
            need is not None
            and request.decision == Decision.ACCEPTED
            and self.repo.candidate_counts([need.id])[need.id][1] >= need.headcount
        ):
            need.status = NeedStatus.FILLED
            need.updated_at = _now()
            self.session.flush()
        self.repo.add(
            CandidateDecision(
                tenant_id=candidate.tenant_id,
                id=uuid.uuid4(),
                tenant_path=candidate.tenant_path,
                candidate_id=candidate.id,
                decision=request.decision,
                reason=request.reason,
                decided_by=self.context.subject,
            )
        )
        self._publish(
            candidate.id,
            candidate,
            events.CANDIDATE_DECIDED,
            events.CandidateDecidedV1(
                candidate_id=candidate.id,
                need_id=candidate.need_id,
                decision=request.decision,
                channel=candidate.channel,
                reason=request.reason,
                volunteer_id=candidate.volunteer_id,
            ),
        )
        return self.candidate(candidate.id)

    # screening -----------------------------------------------------------------------------------------

    def screening(self) -> ScreeningOut:
        """The criteria and rubric in force (the built-in defaults until the committee stores its own)."""
        tenant_id = self.context.tenant_id
        criteria = self.repo.current_criteria(tenant_id) if tenant_id else None
        rubric = self.repo.current_rubric(tenant_id) if tenant_id else None
        return ScreeningOut(
            criteria=_criteria_out(criteria) if criteria else _default_criteria(),
            rubric=_rubric_out(rubric) if rubric else _default_rubric(),
        )

    def criteria_versions(self) -> list[CriteriaOut]:
        return [_criteria_out(version) for version in self.repo.criteria_versions()]

    def rubric_versions(self) -> list[RubricOut]:
        return [_rubric_out(version) for version in self.repo.rubric_versions()]

    def edit_criteria(self, request: CriteriaCreate) -> CriteriaOut:
        context = writable_committee(self.session, self.context)
        current = self._criteria_in_force(context)
        return _criteria_out(self._store_criteria(context, current.version + 1, request.items))

    def edit_rubric(self, request: RubricCreate) -> RubricOut:
        context = writable_committee(self.session, self.context)
        current = self._rubric_in_force(context)
        return _rubric_out(self._store_rubric(context, current.version + 1, request.items))

    def score(self, candidate_id: uuid.UUID, request: ScoreCreate) -> ScoreOut:
        context = writable_committee(self.session, self.context)
        candidate = self._candidate(candidate_id, for_update=True)
        if candidate.status not in ALLOWED:
            raise AlreadyDecided("Only undecided or reserve-pool candidates are screened.")
        criteria = self._criteria_in_force(context)
        rubric = self._rubric_in_force(context)
        criteria_keys = [item["key"] for item in criteria.items]
        maxima = {item["key"]: int(item["max_score"]) for item in rubric.items}
        problems: list[str] = []
        if set(request.eligibility) != set(criteria_keys):
            problems.append(f"eligibility must answer exactly: {', '.join(criteria_keys)}")
        if set(request.scores) != set(maxima):
            problems.append(f"scores must cover exactly: {', '.join(maxima)}")
        problems += [
            f"{key} is at most {maxima[key]}"
            for key, value in request.scores.items()
            if key in maxima and value > maxima[key]
        ]
        if problems:
            raise ScoreMismatch(
                "; ".join(problems), criteria_version=criteria.version, rubric_version=rubric.version
            )
        score = Score(
            tenant_id=candidate.tenant_id,
            id=uuid.uuid4(),
            tenant_path=candidate.tenant_path,
            candidate_id=candidate.id,
            criteria_id=criteria.id,
            rubric_id=rubric.id,
            eligibility={key: request.eligibility[key] for key in criteria_keys},
            scores={key: request.scores[key] for key in maxima},
            eligible=all(request.eligibility.values()),
            total=sum(request.scores.values()),
            notes=request.notes,
            scored_by=self.context.subject,
        )
        self.repo.add(score)
        return self._scores_out([score])[0]

    def scores(self, candidate_id: uuid.UUID) -> list[ScoreOut]:
        candidate = self._candidate(candidate_id)
        return self._scores_out(self.repo.scores_of(candidate.id))

    def ranking(self, need_id: uuid.UUID) -> list[RankedCandidate]:
        """Screened before unscreened, eligible before ineligible, then by total (highest first)."""
        need = self._need(need_id)
        outs = self._candidates_out(self.repo.candidates_of_need(need.id))

        def key(out: CandidateOut) -> tuple[Any, ...]:
            score = out.score
            return (score is None, not score.eligible if score else True, -(score.total if score else 0))

        ranked = sorted(outs, key=key)  # stable: ties keep name order
        return [RankedCandidate(rank=index, candidate=out) for index, out in enumerate(ranked, start=1)]

    # public notices ------------------------------------------------------------------------------------

    def open_notice(self, request: NoticeCreate) -> NoticeOut:
        context = writable_committee(self.session, self.context)
        volunteer = VolunteerRepository(self.session, self.context).get(request.volunteer_id, for_update=True)
        if volunteer is None or volunteer.tenant_id != context.tenant_id:
            raise VolunteerNotFound()
        if volunteer.status != Status.ACTIVE or volunteer.tier == Tier.BACKBONE:
            raise NotPromotable()
        today = shanghai_today()
        notice = PromotionNotice(
            tenant_id=volunteer.tenant_id,
            id=uuid.uuid4(),
            tenant_path=volunteer.tenant_path,
            volunteer_id=volunteer.id,
            statement=request.statement,
            starts_on=today,
            period_days=request.period_days,
            ends_on=today + timedelta(days=request.period_days - 1),
            status=NoticeStatus.OPEN,
            opened_by=context.subject,
        )
        try:
            with self.session.begin_nested():
                self.repo.add(notice)
        except IntegrityError as error:
            raise NoticeExists() from error
        self._publish_notice(notice, events.NOTICE_OPENED)
        return self.notice(notice.id)

    def notices(
        self, status: NoticeStatus | None, volunteer_id: uuid.UUID | None, cursor: str | None, limit: int
    ) -> NoticePage:
        found = self.repo.notices(
            status,
            volunteer_id,
            decode_cursor(cursor, aware_datetime, uuid.UUID) if cursor else None,
            limit + 1,
        )
        shown = list(found[:limit])
        last = shown[-1] if len(found) > limit else None
        return NoticePage(
            items=self._notices_out(shown),
            next_cursor=encode_cursor(last.created_at, last.id) if last else None,
        )

    def notice(self, notice_id: uuid.UUID) -> NoticeOut:
        return self._notices_out([self._notice(notice_id)])[0]

    def object(self, notice_id: uuid.UUID, request: ObjectionCreate) -> NoticeOut:
        writable_committee(self.session, self.context)
        notice = self._open_notice(notice_id)
        self.repo.add(
            Objection(
                tenant_id=notice.tenant_id,
                id=uuid.uuid4(),
                tenant_path=notice.tenant_path,
                notice_id=notice.id,
                text=request.text,
                from_whom=request.from_whom,
                recorded_by=self.context.subject,
                status=ObjectionStatus.PENDING,
            )
        )
        return self.notice(notice.id)

    def rule(self, notice_id: uuid.UUID, objection_id: uuid.UUID, request: ObjectionRuling) -> NoticeOut:
        """The tenant admin upholds (the promotion is rejected at once) or dismisses an objection."""
        writable_committee(self.session, self.context)
        if self.context.role != Role.TENANT_ADMIN:
            raise Forbidden("Only the committee's admin rules on objections.")
        notice = self._notice(notice_id, for_update=True)
        objection = self.repo.objection(notice.id, objection_id)
        if objection is None:
            raise ObjectionNotFound()
        if notice.status != NoticeStatus.OPEN:
            raise NoticeNotOpen()
        if objection.status != ObjectionStatus.PENDING:
            raise AlreadyRuled()
        objection.status, objection.ruling_note = request.status, request.note
        objection.ruled_by, objection.ruled_at = self.context.subject, _now()
        self.session.flush()
        if request.status == ObjectionStatus.UPHELD:
            self._conclude(
                notice, NoticeStatus.REJECTED, f"objection upheld: {request.note}", shanghai_today()
            )
        return self.notice(notice.id)

    def withdraw(self, notice_id: uuid.UUID, request: NoticeWithdraw) -> NoticeOut:
        writable_committee(self.session, self.context)
        notice = self._open_notice(notice_id)
        self._conclude(notice, NoticeStatus.WITHDRAWN, request.reason, shanghai_today())
        return self.notice(notice.id)

    def apply_due(self, today: date) -> int:
        """Notices whose period ended before `today` conclude: effective (the volunteer becomes backbone)
        unless an objection was upheld. A notice with objections not yet ruled on waits for the ruling."""
        context = writable_committee(self.session, self.context)
        assert context.tenant_id is not None
        due = self.repo.due_notices(context.tenant_id, today)
        objections = self.repo.objections_of([notice.id for notice in due])
        volunteers = VolunteerRepository(self.session, self.context)
        changed = 0
        for notice in due:
            statuses = {objection.status for objection in objections[notice.id]}
            if ObjectionStatus.UPHELD in statuses:
                self._conclude(notice, NoticeStatus.REJECTED, "objection upheld", today)
            elif ObjectionStatus.PENDING in statuses:
                continue
            else:
                volunteer = volunteers.get(notice.volunteer_id)
                if volunteer is None or volunteer.status != Status.ACTIVE:
                    self._conclude(notice, NoticeStatus.REJECTED, "the volunteer is no longer active", today)
                else:
                    if volunteer.tier != Tier.BACKBONE:
                        reason = f"公示期满无异议 ({notice.starts_on} – {notice.ends_on})"
                        self.volunteers.change_tier(
                            volunteer.id, TierChange(tier=Tier.BACKBONE, reason=reason)
                        )
                    self._conclude(notice, NoticeStatus.EFFECTIVE, "no objection upheld", today)
            changed += 1
        return changed

    # helpers -------------------------------------------------------------------------------------------

    def _need(self, need_id: uuid.UUID, for_update: bool = False) -> Need:
        need = self.repo.need(need_id, for_update=for_update)
        if need is None:
            raise NeedNotFound()
        return need

    def _candidate(self, candidate_id: uuid.UUID, for_update: bool = False) -> Candidate:
        candidate = self.repo.candidate(candidate_id, for_update=for_update)
        if candidate is None:
            raise CandidateNotFound()
        return candidate

    def _notice(self, notice_id: uuid.UUID, for_update: bool = False) -> PromotionNotice:
        notice = self.repo.notice(notice_id, for_update=for_update)
        if notice is None:
            raise NoticeNotFound()
        return notice

    def _open_notice(self, notice_id: uuid.UUID) -> PromotionNotice:
        notice = self._notice(notice_id, for_update=True)
        if notice.status != NoticeStatus.OPEN:
            raise NoticeNotOpen()
        return notice

    def _conclude(self, notice: PromotionNotice, status: NoticeStatus, reason: str, today: date) -> None:
        notice.status, notice.outcome_reason, notice.concluded_on = status, reason, today
        notice.updated_at = _now()
        self.session.flush()
        spec = {
            NoticeStatus.EFFECTIVE: events.NOTICE_EFFECTIVE,
            NoticeStatus.REJECTED: events.NOTICE_REJECTED,
            NoticeStatus.WITHDRAWN: events.NOTICE_WITHDRAWN,
        }[status]
        self._publish_notice(notice, spec)

    def _criteria_in_force(self, context: TenantContext) -> CriteriaVersion:
        assert context.tenant_id is not None
        return self.repo.current_criteria(context.tenant_id) or self._store_criteria(
            context, 1, list(DEFAULT_CRITERIA), DEFAULT_AUTHOR
        )

    def _rubric_in_force(self, context: TenantContext) -> RubricVersion:
        assert context.tenant_id is not None
        return self.repo.current_rubric(context.tenant_id) or self._store_rubric(
            context, 1, list(DEFAULT_RUBRIC), DEFAULT_AUTHOR
        )

    def _store_criteria(
        self, context: TenantContext, version: int, items: Sequence[CriterionItem], author: str = ""
    ) -> CriteriaVersion:
        row = CriteriaVersion(
            tenant_id=context.tenant_id,
            id=uuid.uuid4(),
            tenant_path=context.tenant_path,
            version=version,
            items=[item.model_dump() for item in items],
            created_by=author or context.subject,
        )
        self._add_version(row)
        return row

    def _store_rubric(
        self, context: TenantContext, version: int, items: Sequence[RubricItem], author: str = ""
    ) -> RubricVersion:
        row = RubricVersion(
            tenant_id=context.tenant_id,
            id=uuid.uuid4(),
            tenant_path=context.tenant_path,
            version=version,
            items=[item.model_dump() for item in items],
            created_by=author or context.subject,
        )
        self._add_version(row)
        return row

    def _add_version(self, row: CriteriaVersion | RubricVersion) -> None:
        try:
            with self.session.begin_nested():
                self.repo.add(row)
        except IntegrityError as error:
            raise ScreeningChanged() from error

    def _publish(
        self, subject: uuid.UUID, row: Need | Candidate, spec: EventSpec[Payload], data: Payload
    ) -> None:
        messaging.publish(
            self.session, spec, data, subject=subject, tenant_id=row.tenant_id, tenant_path=row.tenant_path
        )

    def _publish_notice(self, notice: PromotionNotice, spec: EventSpec[events.PromotionNoticeV1]) -> None:
        messaging.publish(
            self.session,
            spec,
            events.PromotionNoticeV1(
                notice_id=notice.id,
                volunteer_id=notice.volunteer_id,
                starts_on=notice.starts_on,
                ends_on=notice.ends_on,
                status=notice.status,
                reason=notice.outcome_reason,
            ),
            subject=notice.volunteer_id,
            tenant_id=notice.tenant_id,
            tenant_path=notice.tenant_path,
        )

    def _candidates_out(self, candidates: Sequence[Candidate]) -> list[CandidateOut]:
        ids = [candidate.id for candidate in candidates]
        decisions = self.repo.decisions_of(ids)
        latest = self.repo.latest_scores(ids)
        criteria_versions, rubric_versions = self.repo.versions_by_id(
            {score.criteria_id for score in latest.values()}, {score.rubric_id for score in latest.values()}
        )
        sees_phone = self.context.role in SEES_PHONES
        outs = []
        for candidate in candidates:
            score = latest.get(candidate.id)
            outs.append(
                CandidateOut(
                    id=candidate.id,
                    need_id=candidate.need_id,
                    name=candidate.name,
                    phone=candidate.phone if sees_phone else mask_phone(candidate.phone),
                    notes=candidate.notes,
                    channel=candidate.channel,
                    recommending_organisation=candidate.recommending_organisation,
                    recommenders=[Recommender.model_validate(item) for item in candidate.recommenders],
                    status=candidate.status,
                    volunteer_id=candidate.volunteer_id,
                    decisions=[
                        DecisionOut.model_validate(decision, from_attributes=True)
                        for decision in decisions[candidate.id]
                    ],
                    score=ScoreSummary(
                        total=score.total,
                        eligible=score.eligible,
                        criteria_version=criteria_versions[score.criteria_id],
                        rubric_version=rubric_versions[score.rubric_id],
                        scored_at=score.scored_at,
                    )
                    if score
                    else None,
                    created_at=candidate.created_at,
                )
            )
        return outs

    def _scores_out(self, scores: Sequence[Score]) -> list[ScoreOut]:
        criteria_versions, rubric_versions = self.repo.versions_by_id(
            {score.criteria_id for score in scores}, {score.rubric_id for score in scores}
        )
        return [
            ScoreOut(
                id=score.id,
                candidate_id=score.candidate_id,
                criteria_version=criteria_versions[score.criteria_id],
                rubric_version=rubric_versions[score.rubric_id],
                eligibility=score.eligibility,
                scores=score.scores,
                eligible=score.eligible,
                total=score.total,
                notes=score.notes,
                scored_by=score.scored_by,
                scored_at=score.scored_at,
            )
            for score in scores
        ]

    def _notices_out(self, notices: Sequence[PromotionNotice]) -> list[NoticeOut]:
        objections = self.repo.objections_of([notice.id for notice in notices])
        rows = self.session.execute(
            select(Volunteer.id, Volunteer.name).where(
                Volunteer.id.in_([notice.volunteer_id for notice in notices]),
                within(Volunteer.tenant_path, self.context.tenant_path),
            )
        ).all()
        names = {volunteer_id: name for volunteer_id, name in rows}
        return [
            NoticeOut(
                id=notice.id,
                volunteer_id=notice.volunteer_id,
                volunteer_name=names.get(notice.volunteer_id, ""),
                statement=notice.statement,
                starts_on=notice.starts_on,
                period_days=notice.period_days,
                ends_on=notice.ends_on,
                status=notice.status,
                outcome_reason=notice.outcome_reason,
                concluded_on=notice.concluded_on,
                objections=[
                    ObjectionOut.model_validate(objection, from_attributes=True)
                    for objection in objections[notice.id]
                ],
                created_at=notice.created_at,
            )
            for notice in notices
        ]


def _now() -> datetime:
    return datetime.now(UTC)


def _need_out(need: Need, candidates: int, accepted: int) -> NeedOut:
    return NeedOut(
        id=need.id,
        title=need.title,
        description=need.description,
        headcount=need.headcount,
        required_skill=need.required_skill,
        required_role=need.required_role,
        status=need.status,
        closed_reason=need.closed_reason,
        accepted=accepted,
        candidates=candidates,
        created_at=need.created_at,
        updated_at=need.updated_at,
    )


def _criteria_out(row: CriteriaVersion) -> CriteriaOut:
    return CriteriaOut(
        id=row.id,
        version=row.version,
        items=[CriterionItem.model_validate(item) for item in row.items],
        created_by=row.created_by,
        created_at=row.created_at,
    )


def _rubric_out(row: RubricVersion) -> RubricOut:
    items = [RubricItem.model_validate(item) for item in row.items]
    return RubricOut(
        id=row.id,
        version=row.version,
        items=items,
        max_total=sum(item.max_score for item in items),
        created_by=row.created_by,
        created_at=row.created_at,
    )


def _default_criteria() -> CriteriaOut:
    return CriteriaOut(
        id=None, version=1, items=list(DEFAULT_CRITERIA), created_by=DEFAULT_AUTHOR, created_at=None
    )


def _default_rubric() -> RubricOut:
    return RubricOut(
        id=None,
        version=1,
        items=list(DEFAULT_RUBRIC),
        max_total=sum(item.max_score for item in DEFAULT_RUBRIC),
        created_by=DEFAULT_AUTHOR,
        created_at=None,
    )
