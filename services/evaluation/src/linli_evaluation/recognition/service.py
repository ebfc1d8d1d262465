"""Recognition's use cases: programmes (data a district, town or committee defines for its subtree), the
candidate list with its evidence, nominations through approval, public notice and objections, and the
daily conferral that turns a nomination whose notice passed into an honour (and announces it).

The rules: a nomination is made only for a volunteer who meets the programme's criteria in the period,
within the programme's places per committee, and keeps the evidence as it stood; whoever made or submitted
it never approves it (four eyes); an upheld objection withdraws it; a notice still facing an unresolved
objection waits for the ruling."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from linli_evaluation.access import writable_committee
from linli_evaluation.database import directory, messaging
from linli_evaluation.events.recognition import HONOUR_CONFERRED, HonourConferredV1
from linli_evaluation.facts.models import VolunteerFact
from linli_evaluation.recognition.evidence import AwardPeriod, Criteria, Evidence, award_period
from linli_evaluation.recognition.exceptions import (
    AlreadyNominated,
    CommitteeNotFound,
    CommitteeRequired,
    CriteriaNotMet,
    FourEyes,
    InvalidPeriod,
    NominationNotFound,
    NomineesFull,
    NoticeOver,
    ObjectionNotFound,
    ObjectionResolved,
    PeriodNotStarted,
    ProgrammeNameTaken,
    ProgrammeNotFound,
    ProgrammeNotYours,
    ProgrammeRetired,
    ProgrammeVersionMismatch,
    TransitionNotAllowed,
    VolunteerNotActive,
    VolunteerNotFound,
)
from linli_evaluation.recognition.models import (
    AwardProgramme,
    Honour,
    Nomination,
    NominationObjection,
    NominationStatus,
    ObjectionStatus,
    PeriodKind,
)
from linli_evaluation.recognition.repository import CommitteeNode, NominationFilter, RecognitionRepository
from linli_evaluation.recognition.schemas import (
    CandidateList,
    CandidateOut,
    CriteriaIn,
    CriteriaOut,
    Decision,
    EvidenceOut,
    HonourOut,
    HonourPage,
    NominationCreate,
    NominationOut,
    NominationPage,
    ObjectionCreate,
    ObjectionOut,
    ObjectionResolution,
    ProgrammeCreate,
    ProgrammeOut,
    ProgrammeUpdate,
    Withdrawal,
)
from linli_shared.clock import local_date
from linli_shared.cursors import aware_datetime, decode_cursor, encode_cursor
from linli_shared.problems import Forbidden
from linli_shared.tenancy import TenantContext, is_within

ACTIVE_VOLUNTEER = "active"
COMMITTEE = "committee"
#: the unique index (migration 0002) that turns two concurrent nominations of one person into a clear 409
ONE_LIVE_NOMINATION = "nominations_one_live"
ONE_NAME = "award_programmes_tenant_id_name_key"
#: the tree's fixed depths, linli.<district>.<town>.<committee>: whose programme it is (a committee cannot
#: read its town's directory row, but the path says what it is)
OWNER_BY_DEPTH = {2: "district", 3: "town", 4: "committee"}
#: the statuses staff may withdraw a nomination from (before it is an honour, or concluded otherwise)
WITHDRAWABLE = frozenset({NominationStatus.DRAFT, NominationStatus.SUBMITTED, NominationStatus.IN_NOTICE})


class ProgrammeService:
    def __init__(self, session: Session, context: TenantContext, now: datetime) -> None:
        self.session = session
        self.context = context
        self.now = now
        self.repo = RecognitionRepository(session, context)

    def create(self, request: ProgrammeCreate) -> ProgrammeOut:
        tenant_id = self.context.tenant_id
        if tenant_id is None:
            raise Forbidden("Award programmes belong to a district, a town or a committee.")
        directory.ensure_active(self.session, tenant_id)
        programme = AwardProgramme(
            tenant_id=tenant_id,
            id=uuid.uuid4(),
            tenant_path=self.context.tenant_path,
            name=request.name,
            description=request.description,
            period_kind=request.period_kind,
            max_nominees=request.max_nominees,
            notice_days=request.notice_days,
            active=True,
            created_by=self.context.subject,
            created_at=self.now,
            updated_by=self.context.subject,
            updated_at=self.now,
        )
        _set_criteria(programme, request.criteria)
        self._save(programme, new=True)
        return self._out([programme])[0]

    def on_path(self, active: bool | None) -> list[ProgrammeOut]:
        return self._out(self.repo.programmes(active))

    def get(self, programme_id: uuid.UUID) -> ProgrammeOut:
        return self._out([self._programme(programme_id)])[0]

    def update(self, programme_id: uuid.UUID, request: ProgrammeUpdate) -> ProgrammeOut:
        programme = self._programme(programme_id)
        # a committee reads its district's programmes but changes only what its own subtree defined
        if self.context.tenant_id is None or not self.context.sees(programme.tenant_path):
            raise ProgrammeNotYours()
        directory.ensure_active(self.session, self.context.tenant_id)
        if request.version != programme.version:
            raise ProgrammeVersionMismatch(
                f"You edited version {request.version}; the programme is now at version {programme.version}.",
                current_version=programme.version,
            )
        sent = request.model_fields_set - {"version"}
        for field in sent & {"name", "description", "max_nominees", "notice_days", "active"}:
            setattr(programme, field, getattr(request, field))
        if request.criteria is not None:
            _set_criteria(programme, request.criteria)
        if self.session.is_modified(programme):
            programme.updated_by, programme.updated_at = self.context.subject, self.now
            self._save(programme)
        return self._out([programme])[0]

    def _programme(self, programme_id: uuid.UUID) -> AwardProgramme:
        programme = self.repo.programme(programme_id)
        if programme is None:
            raise ProgrammeNotFound()
        return programme

    def _save(self, programme: AwardProgramme, new: bool = False) -> None:
        try:
            with self.session.begin_nested():
                if new:
                    self.session.add(programme)
                self.session.flush()
        except IntegrityError as error:
            if _constraint(error) == ONE_NAME:
                raise ProgrammeNameTaken() from error
            raise
        except StaleDataError as error:
            # someone else's change landed between our read and our write (the version column caught it)
            raise ProgrammeVersionMismatch() from error

    def _out(self, programmes: Sequence[AwardProgramme]) -> list[ProgrammeOut]:
        return [
            programme_out(
                programme,
                "own"
                if programme.tenant_id == self.context.tenant_id
                else _depth_kind(programme.tenant_path),
            )
            for programme in programmes
        ]


class NominationService:
    def __init__(self, session: Session, context: TenantContext, now: datetime) -> None:
        self.session = session
        self.context = context
        self.now = now
        self.today = local_date(now)
        self.repo = RecognitionRepository(session, context)

    # candidates -----------------------------------------------------------------------------------------

    def candidates(
        self, programme_id: uuid.UUID, label: str, committee_id: uuid.UUID | None, limit: int
    ) -> CandidateList:
        committee = self._committee(committee_id)
        programme = self._programme_for(committee, programme_id)
        period = _period(programme, label)
        criteria = Criteria.of(programme)
        eligible = sorted(
            (found for found in self.repo.evidence(committee.id, period) if not found.unmet(criteria)),
            key=lambda found: found.rank_key(),
        )
        live = self.repo.live_nominations(committee.id, programme.id, period.label)
        by_volunteer = {nomination.volunteer_id: nomination for nomination in live}
        return CandidateList(
            programme_id=programme.id,
            programme_name=programme.name,
            period=period.label,
            committee_id=committee.id,
            criteria=CriteriaOut(**criteria.snapshot()),
            max_nominees=programme.max_nominees,
            nominations=len(live),
            remaining=max(programme.max_nominees - len(live), 0),
            candidates=[
                candidate_out(rank, found, by_volunteer.get(found.volunteer_id))
                for rank, found in enumerate(eligible[:limit], start=1)
            ],
        )

    # nominations ----------------------------------------------------------------------------------------

    def create(self, request: NominationCreate) -> NominationOut:
        context = writable_committee(self.session, self.context)
        assert context.tenant_id is not None
        committee = CommitteeNode(context.tenant_id, context.tenant_path)
        programme = self._programme_for(committee, request.programme_id)
        if not programme.active:
            raise ProgrammeRetired()
        period = _period(programme, request.period)
        if period.starts_on > self.today:
            raise PeriodNotStarted()
        volunteer = self.repo.volunteer(committee.id, request.volunteer_id)
        if volunteer is None:
            raise VolunteerNotFound()
        if volunteer.status != ACTIVE_VOLUNTEER:
            raise VolunteerNotActive()
        criteria = Criteria.of(programme)
        [evidence] = self.repo.evidence(committee.id, period, [volunteer.volunteer_id])
        unmet = evidence.unmet(criteria)
        if unmet:
            raise CriteriaNotMet("; ".join(unmet), unmet=unmet)
        self.repo.hold_places(committee.id, programme.id, period.label)
        live = self.repo.live_nominations(committee.id, programme.id, period.label)
        if any(nomination.volunteer_id == volunteer.volunteer_id for nomination in live):
            raise AlreadyNominated()
        if len(live) >= programme.max_nominees:
            raise NomineesFull(
                f"{programme.name} takes {programme.max_nominees} nomination(s) per committee for {period.label}."
            )
        nomination = Nomination(
            tenant_id=committee.id,
            id=uuid.uuid4(),
            tenant_path=committee.path,
            programme_tenant_id=programme.tenant_id,
            programme_id=programme.id,
            programme_name=programme.name,
            period=period.label,
            volunteer_id=volunteer.volunteer_id,
            statement=request.statement,
            status=NominationStatus.DRAFT,
            evidence=evidence.snapshot(),
            criteria=criteria.snapshot(),
            notice_days=programme.notice_days,
            created_by=self.context.subject,
            created_at=self.now,
            updated_at=self.now,
        )
        try:
            with self.session.begin_nested():
                self.repo.add(nomination)
        except IntegrityError as error:
            if _constraint(error) == ONE_LIVE_NOMINATION:
                raise AlreadyNominated() from error
            raise
        return self._out([nomination])[0]

    def page(self, where: NominationFilter, cursor: str | None, limit: int) -> NominationPage:
        after = decode_cursor(cursor, aware_datetime, uuid.UUID) if cursor else None
        found = self.repo.nominations(where, after, limit + 1)
        shown = list(found[:limit])
        last = shown[-1] if len(found) > limit else None
        return NominationPage(
            items=self._out(shown), next_cursor=encode_cursor(last.created_at, last.id) if last else None
        )

    def get(self, nomination_id: uuid.UUID) -> NominationOut:
        return self._out([self._nomination(nomination_id)])[0]

    def submit(self, nomination_id: uuid.UUID) -> NominationOut:
        writable_committee(self.session, self.context)
        nomination = self._nomination(nomination_id, for_update=True)
        self._expect(nomination, {NominationStatus.DRAFT}, "submitted")
        nomination.status = NominationStatus.SUBMITTED
        nomination.submitted_by, nomination.submitted_at = self.context.subject, self.now
        return self._saved(nomination)

    def decide(self, nomination_id: uuid.UUID, request: Decision) -> NominationOut:
        """The committee's admin, or a town or district admin above it, approves (the public notice opens
        today for the programme's days) or rejects — never the person who made or submitted it."""
        nomination = self._nomination(nomination_id, for_update=True)
        self._expect(nomination, {NominationStatus.SUBMITTED}, "decided")
        if self.context.subject in {nomination.created_by, nomination.submitted_by}:
            raise FourEyes()
        directory.ensure_active(self.session, nomination.tenant_id)
        nomination.decided_by, nomination.decided_at = self.context.subject, self.now
        nomination.decision_note = request.note
        if request.approve:
            nomination.status = NominationStatus.IN_NOTICE
            nomination.notice_starts_on = self.today
            nomination.notice_ends_on = self.today + timedelta(days=nomination.notice_days - 1)
        else:
            self._conclude(nomination, NominationStatus.REJECTED, request.note)
        return self._saved(nomination)

    def withdraw(self, nomination_id: uuid.UUID, request: Withdrawal) -> NominationOut:
        writable_committee(self.session, self.context)
        nomination = self._nomination(nomination_id, for_update=True)
        self._expect(nomination, WITHDRAWABLE, "withdrawn")
        self._conclude(nomination, NominationStatus.WITHDRAWN, request.reason)
        return self._saved(nomination)

    def object(self, nomination_id: uuid.UUID, request: ObjectionCreate) -> NominationOut:
        """Staff record a resident's objection while the notice runs (its last day included)."""
        writable_committee(self.session, self.context)
        nomination = self._nomination(nomination_id, for_update=True)
        self._expect(nomination, {NominationStatus.IN_NOTICE}, "objected to")
        assert nomination.notice_ends_on is not None
        if self.today > nomination.notice_ends_on:
            raise NoticeOver(f"The public notice ended on {nomination.notice_ends_on}.")
        self.repo.add(
            NominationObjection(
                tenant_id=nomination.tenant_id,
                id=uuid.uuid4(),
                tenant_path=nomination.tenant_path,
                nomination_id=nomination.id,
                text=request.text,
                by_name=request.by_name,
                recorded_by=self.context.subject,
                recorded_at=self.now,
                status=ObjectionStatus.PENDING,
            )
        )
        return self._saved(nomination)

    def resolve(
        self, nomination_id: uuid.UUID, objection_id: uuid.UUID, request: ObjectionResolution
    ) -> NominationOut:
        """An approver upholds an objection (the nomination is withdrawn at once) or dismisses it."""
        nomination = self._nomination(nomination_id, for_update=True)
        objection = self.repo.objection(nomination, objection_id, for_update=True)
        if objection is None:
            raise ObjectionNotFound()
        if objection.status != ObjectionStatus.PENDING:
            raise ObjectionResolved()
        self._expect(nomination, {NominationStatus.IN_NOTICE}, "ruled on")
        directory.ensure_active(self.session, nomination.tenant_id)
        objection.status = ObjectionStatus.UPHELD if request.upheld else ObjectionStatus.DISMISSED
        objection.resolution_note = request.note
        objection.resolved_by, objection.resolved_at = self.context.subject, self.now
        if request.upheld:
            self._conclude(nomination, NominationStatus.WITHDRAWN, f"objection upheld: {request.note}")
        return self._saved(nomination)

    # helpers --------------------------------------------------------------------------------------------

    def _committee(self, committee_id: uuid.UUID | None) -> CommitteeNode:
        if committee_id is None:
            own = self.context.tenant_id
            if own is None or _depth_kind(self.context.tenant_path) != COMMITTEE:
                raise CommitteeRequired()
            return CommitteeNode(own, self.context.tenant_path)
        committee = self.repo.committee(committee_id)
        if committee is None:
            raise CommitteeNotFound()
        return committee

    def _programme_for(self, committee: CommitteeNode, programme_id: uuid.UUID) -> AwardProgramme:
        """The programme, if it applies to the committee: defined on its path (its district's, its town's,
        its own). Another committee's programme is as good as absent."""
        programme = self.repo.programme(programme_id)
        if programme is None or not is_within(committee.path, programme.tenant_path):
            raise ProgrammeNotFound()
        return programme

    def _nomination(self, nomination_id: uuid.UUID, for_update: bool = False) -> Nomination:
        nomination = self.repo.nomination(nomination_id, for_update=for_update)
        if nomination is None:
            raise NominationNotFound()
        return nomination

    @staticmethod
    def _expect(nomination: Nomination, allowed: Collection[NominationStatus], verb: str) -> None:
        if nomination.status not in allowed:
            raise TransitionNotAllowed(f"A nomination that is {nomination.status} cannot be {verb}.")

    def _conclude(self, nomination: Nomination, status: NominationStatus, reason: str) -> None:
        nomination.status = status
        nomination.concluded_on = self.today
        nomination.outcome_reason = reason

    def _saved(self, nomination: Nomination) -> NominationOut:
        nomination.updated_at = self.now
        self.session.flush()
        return self._out([nomination])[0]

    def _out(self, nominations: Sequence[Nomination]) -> list[NominationOut]:
        names = self.repo.volunteer_names({(row.tenant_id, row.volunteer_id) for row in nominations})
        objections = self.repo.objections_of(nominations)
        honours = self.repo.honour_ids(nominations)
        return [
            nomination_out(row, names.get(row.volunteer_id, ""), objections[row.id], honours.get(row.id))
            for row in nominations
        ]


class HonourService:
    def __init__(self, session: Session, context: TenantContext) -> None:
        self.session = session
        self.context = context
        self.repo = RecognitionRepository(session, context)

    def page(self, volunteer_id: uuid.UUID | None, cursor: str | None, limit: int) -> HonourPage:
        return self._page(None if volunteer_id is None else (None, volunteer_id), cursor, limit)

    def mine(self, me: VolunteerFact, cursor: str | None, limit: int) -> HonourPage:
        return self._page((me.tenant_id, me.volunteer_id), cursor, limit)

    def _page(
        self, volunteer: tuple[uuid.UUID | None, uuid.UUID] | None, cursor: str | None, limit: int
    ) -> HonourPage:
        after = decode_cursor(cursor, date.fromisoformat, uuid.UUID) if cursor else None
        found = self.repo.honours(volunteer, after, limit + 1)
        shown = list(found[:limit])
        names = self.repo.volunteer_names({(row.tenant_id, row.volunteer_id) for row in shown})
        last = shown[-1] if len(found) > limit else None
        return HonourPage(
            items=[honour_out(row, names.get(row.volunteer_id, "")) for row in shown],
            next_cursor=encode_cursor(last.conferred_on, last.id) if last else None,
        )


def confer_due(session: Session, context: TenantContext, day: date) -> int:
    """Every nomination of the committee whose public notice ended before `day` with no objection upheld
    or still open becomes an honour, conferred on `day`, and is announced. Idempotent: a conferred
    nomination is no longer in notice, and the honour is unique per nomination. Returns how many."""
    assert context.tenant_id is not None
    repo = RecognitionRepository(session, context)
    due = repo.due_nominations(context.tenant_id, day)
    objections = repo.objections_of(due)
    conferred = 0
    for nomination in due:
        statuses = {objection.status for objection in objections[nomination.id]}
        if statuses & {ObjectionStatus.PENDING, ObjectionStatus.UPHELD}:
            # an objection awaits its ruling: no honour until it is dismissed (upholding one has already
            # withdrawn the nomination, in the ruling's transaction)
            continue
        honour = Honour(
            tenant_id=nomination.tenant_id,
            id=uuid.uuid4(),
            tenant_path=nomination.tenant_path,
            nomination_id=nomination.id,
            programme_id=nomination.programme_id,
            programme_name=nomination.programme_name,
            period=nomination.period,
            volunteer_id=nomination.volunteer_id,
            conferred_on=day,
        )
        session.add(honour)
        nomination.status, nomination.concluded_on = NominationStatus.CONFERRED, day
        nomination.outcome_reason = (
            f"公示期满无异议 ({nomination.notice_starts_on} – {nomination.notice_ends_on})"
        )
        nomination.updated_at = func.now()
        messaging.publish(
            session,
            HONOUR_CONFERRED,
            HonourConferredV1(
                honour_id=honour.id,
                volunteer_id=honour.volunteer_id,
                programme_id=honour.programme_id,
                programme_name=honour.programme_name,
                period=honour.period,
                conferred_on=day,
            ),
            subject=honour.volunteer_id,
            tenant_id=honour.tenant_id,
            tenant_path=honour.tenant_path,
        )
        conferred += 1
    session.flush()
    return conferred


def _period(programme: AwardProgramme, label: str) -> AwardPeriod:
    period = award_period(label, PeriodKind(programme.period_kind))
    if period is None:
        raise InvalidPeriod(f"{programme.name} is awarded per {programme.period_kind}; {label!r} is not one.")
    return period


def _depth_kind(path: str) -> str:
    return OWNER_BY_DEPTH[path.count(".") + 1]


def _set_criteria(programme: AwardProgramme, criteria: CriteriaIn) -> None:
    programme.min_verified_hours = criteria.min_verified_hours
    programme.min_stars = criteria.min_stars
    programme.min_average_satisfaction = criteria.min_average_satisfaction
    programme.min_ratings = criteria.min_ratings
    programme.require_party_member = criteria.require_party_member
    programme.require_no_rejected_audit = criteria.require_no_rejected_audit


def _constraint(error: IntegrityError) -> str | None:
    diag = getattr(error.orig, "diag", None)
    return getattr(diag, "constraint_name", None)


def programme_out(programme: AwardProgramme, owner: str) -> ProgrammeOut:
    return ProgrammeOut(
        id=programme.id,
        name=programme.name,
        description=programme.description,
        period_kind=PeriodKind(programme.period_kind),
        criteria=CriteriaOut(**Criteria.of(programme).snapshot()),
        max_nominees=programme.max_nominees,
        notice_days=programme.notice_days,
        active=programme.active,
        owner_tenant_id=programme.tenant_id,
        owner=owner,
        version=programme.version,
        created_at=programme.created_at,
        updated_at=programme.updated_at,
    )


def evidence_out(snapshot: dict[str, object]) -> EvidenceOut:
    return EvidenceOut.model_validate(snapshot)


def candidate_out(rank: int, found: Evidence, nomination: Nomination | None) -> CandidateOut:
    return CandidateOut(
        rank=rank,
        volunteer_id=found.volunteer_id,
        name=found.name,
        evidence=evidence_out(found.snapshot()),
        nomination_id=nomination.id if nomination else None,
        nomination_status=NominationStatus(nomination.status) if nomination else None,
    )


def nomination_out(
    nomination: Nomination, name: str, objections: list[NominationObjection], honour_id: uuid.UUID | None
) -> NominationOut:
    return NominationOut(
        id=nomination.id,
        committee_id=nomination.tenant_id,
        programme_id=nomination.programme_id,
        programme_name=nomination.programme_name,
        period=nomination.period,
        volunteer_id=nomination.volunteer_id,
        volunteer_name=name,
        statement=nomination.statement,
        status=NominationStatus(nomination.status),
        evidence=evidence_out(nomination.evidence),
        criteria=CriteriaOut.model_validate(nomination.criteria),
        notice_days=nomination.notice_days,
        created_by=nomination.created_by,
        created_at=nomination.created_at,
        submitted_by=nomination.submitted_by,
        submitted_at=nomination.submitted_at,
        decided_by=nomination.decided_by,
        decided_at=nomination.decided_at,
        decision_note=nomination.decision_note,
        notice_starts_on=nomination.notice_starts_on,
        notice_ends_on=nomination.notice_ends_on,
        concluded_on=nomination.concluded_on,
        outcome_reason=nomination.outcome_reason,
        objections=[ObjectionOut.model_validate(row, from_attributes=True) for row in objections],
        honour_id=honour_id,
    )


def honour_out(honour: Honour, name: str) -> HonourOut:
    return HonourOut(
        id=honour.id,
        committee_id=honour.tenant_id,
        volunteer_id=honour.volunteer_id,
        volunteer_name=name,
        programme_id=honour.programme_id,
        programme_name=honour.programme_name,
        period=honour.period,
        conferred_on=honour.conferred_on,
        nomination_id=honour.nomination_id,
    )
