"""Courses (课堂式培训), completions, and the qualifications a passing completion grants, with expiry.

A renewal is a new qualification row; the grant it replaces stays as history (superseded). A volunteer
holds at most one live grant of each qualification."""

from __future__ import annotations

import calendar
import uuid
from datetime import date, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from linli_roster.access import writable_committee
from linli_roster.database import messaging
from linli_roster.events import training as events
from linli_roster.training.exceptions import (
    CompletionRecorded,
    CourseNameTaken,
    CourseNotFound,
    CourseRetired,
    QualificationNotActive,
    QualificationNotFound,
    VolunteerNotActive,
)
from linli_roster.training.models import Completion, Course, Qualification, QualificationStatus
from linli_roster.training.repository import TrainingRepository
from linli_roster.training.schemas import (
    CompletionCreate,
    CompletionOut,
    CompletionPage,
    CourseCreate,
    CourseOut,
    CourseUpdate,
    HolderPage,
    QualificationHolder,
    QualificationOut,
    QualificationRevoke,
)
from linli_roster.volunteers.exceptions import VolunteerNotFound
from linli_roster.volunteers.models import Status, Volunteer
from linli_roster.volunteers.repository import VolunteerRepository
from linli_shared.clock import shanghai_today
from linli_shared.cursors import decode_cursor, encode_cursor
from linli_shared.events.envelope import EventSpec, Payload
from linli_shared.problems import Invalid
from linli_shared.tenancy import TenantContext


def expiry_of(granted_on: date, validity_months: int | None) -> date | None:
    """The last valid day: 12 months from 2026-03-01 is 2027-02-28; from 2026-01-31, 1 month is 2026-02-27."""
    if validity_months is None:
        return None
    month_index = granted_on.year * 12 + granted_on.month - 1 + validity_months
    year, month = divmod(month_index, 12)
    day = min(granted_on.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day) - timedelta(days=1)


class TrainingService:
    def __init__(self, session: Session, context: TenantContext) -> None:
        self.session = session
        self.context = context
        self.training = TrainingRepository(session, context)
        self.volunteers = VolunteerRepository(session, context)

    # courses ------------------------------------------------------------------------------------------

    def courses(self, include_retired: bool) -> list[CourseOut]:
        return [_course_out(course) for course in self.training.courses(include_retired)]

    def course(self, course_id: uuid.UUID) -> CourseOut:
        return _course_out(self._course(course_id))

    def create_course(self, request: CourseCreate) -> CourseOut:
        context = writable_committee(self.session, self.context)
        assert context.tenant_id is not None
        course = Course(
            tenant_id=context.tenant_id,
            id=uuid.uuid4(),
            tenant_path=context.tenant_path,
            name=request.name,
            description=request.description,
            qualification=request.qualification,
            validity_months=request.validity_months,
        )
        self._save_course(course, new=True)
        self._publish(
            course,
            events.COURSE_CREATED,
            events.CourseCreatedV1(
                course_id=course.id,
                name=course.name,
                qualification=course.qualification,
                validity_months=course.validity_months,
            ),
            subject=course.id,
        )
        return _course_out(course)

    def update_course(self, course_id: uuid.UUID, request: CourseUpdate) -> CourseOut:
        writable_committee(self.session, self.context)
        course = self._open_course(course_id)
        changes = request.model_dump(exclude_unset=True)
        for field in ("name", "description"):
            if changes.get(field) is not None:
                setattr(course, field, changes[field])
        if "qualification" in changes:
            course.qualification = request.qualification
            if request.qualification is None:
                course.validity_months = None
        if "validity_months" in changes:
            course.validity_months = request.validity_months
        if course.validity_months is not None and course.qualification is None:
            raise Invalid("validity_months applies only to a course that grants a qualification.")
        self._save_course(course)
        return _course_out(course)

    def retire_course(self, course_id: uuid.UUID) -> CourseOut:
        """A retired course takes no new completions; what it granted stays."""
        writable_committee(self.session, self.context)
        course = self._open_course(course_id)
        course.retired_on = shanghai_today()
        self._save_course(course)
        return _course_out(course)

    # completions --------------------------------------------------------------------------------------

    def record_completion(self, course_id: uuid.UUID, request: CompletionCreate) -> CompletionOut:
        writable_committee(self.session, self.context)
        course = self._open_course(course_id)
        volunteer = self.volunteers.get(request.volunteer_id, for_update=True)
        if volunteer is None or volunteer.tenant_id != course.tenant_id:
            raise VolunteerNotFound()
        if volunteer.status != Status.ACTIVE:
            raise VolunteerNotActive("A volunteer who has exited cannot get new completions; re-join first.")
        completion = Completion(
            tenant_id=course.tenant_id,
            id=uuid.uuid4(),
            tenant_path=course.tenant_path,
            course_id=course.id,
            volunteer_id=volunteer.id,
            completed_on=request.completed_on,
            passed=request.passed,
            score=request.score,
            trainer=request.trainer,
            recorded_by=self.context.subject,
        )
        try:
            with self.session.begin_nested():
                self.training.add(completion)
        except IntegrityError as error:
            raise CompletionRecorded() from error
        granted = None
        if completion.passed and course.qualification is not None:
            granted = self._grant(volunteer, course, completion)
        return _completion_out(completion, course, granted)

    def completions_of_course(self, course_id: uuid.UUID, cursor: str | None, limit: int) -> CompletionPage:
        course = self._course(course_id)
        after = None
        if cursor:
            after = decode_cursor(cursor, date.fromisoformat, uuid.UUID)
        found = self.training.completions_of_course(course.id, after, limit + 1)
        shown = list(found[:limit])
        granted = self.training.granted_by([row.id for row in shown])
        last = shown[-1] if len(found) > limit else None
        return CompletionPage(
            items=[_completion_out(row, course, granted.get(row.id)) for row in shown],
            next_cursor=encode_cursor(last.completed_on, last.id) if last else None,
        )

    def completions_of_volunteer(self, volunteer_id: uuid.UUID) -> list[CompletionOut]:
        volunteer = self._volunteer(volunteer_id)
        rows = self.training.completions_of_volunteer(volunteer.id)
        courses = self.training.courses_by_id({row.course_id for row in rows})
        granted = self.training.granted_by([row.id for row in rows])
        return [_completion_out(row, courses[row.course_id], granted.get(row.id)) for row in rows]

    # qualifications -----------------------------------------------------------------------------------

    def qualifications_of(self, volunteer_id: uuid.UUID, include_expired: bool) -> list[QualificationOut]:
        """Current: the live grants valid today. With `include_expired`: every grant ever, as history."""
        volunteer = self._volunteer(volunteer_id)
        rows = self.training.qualifications_of(volunteer.id, None if include_expired else shanghai_today())
        return [_qualification_out(row) for row in rows]

    def holders(self, name: str, day: date | None, cursor: str | None, limit: int) -> HolderPage:
        day = day or shanghai_today()
        after = None
        if cursor:
            after = decode_cursor(cursor, str, uuid.UUID)
        found = self.training.holders(name, day, after, limit + 1)
        shown = list(found[:limit])
        grants = self.training.valid_grants([volunteer.id for volunteer in shown], name, day)
        last = shown[-1] if len(found) > limit else None
        return HolderPage(
            valid_on=day,
            items=[
                QualificationHolder(
                    volunteer_id=volunteer.id,
                    volunteer_name=volunteer.name,
                    qualification_id=grants[volunteer.id].id,
                    name=grants[volunteer.id].name,
                    granted_on=grants[volunteer.id].granted_on,
                    expires_on=grants[volunteer.id].expires_on,
                )
                for volunteer in shown
            ],
            next_cursor=encode_cursor(last.name, last.id) if last else None,
        )

    def qualification(self, qualification_id: uuid.UUID) -> QualificationOut:
        return _qualification_out(self._qualification(qualification_id))

    def revoke(self, qualification_id: uuid.UUID, request: QualificationRevoke) -> QualificationOut:
        writable_committee(self.session, self.context)
        qualification = self._qualification(qualification_id, for_update=True)
        if qualification.status != QualificationStatus.ACTIVE:
            raise QualificationNotActive(f"This qualification is {qualification.status}.")
        qualification.status = QualificationStatus.REVOKED
        qualification.revoked_on = shanghai_today()
        qualification.revoked_reason = request.reason
        qualification.revoked_by = self.context.subject
        self.session.flush()
        self._publish(qualification, events.QUALIFICATION_REVOKED, qualification_event(qualification))
        return _qualification_out(qualification)

    # helpers ------------------------------------------------------------------------------------------

    def _grant(self, volunteer: Volunteer, course: Course, completion: Completion) -> Qualification:
        """The volunteer row is locked, so grants of one person are serialised."""
        assert course.qualification is not None
        grant = Qualification(
            tenant_id=completion.tenant_id,
            id=uuid.uuid4(),
            tenant_path=completion.tenant_path,
            volunteer_id=volunteer.id,
            name=course.qualification,
            course_id=course.id,
            completion_id=completion.id,
            granted_on=completion.completed_on,
            expires_on=expiry_of(completion.completed_on, course.validity_months),
            status=QualificationStatus.ACTIVE,
        )
        live = self.training.live_qualification(volunteer.tenant_id, volunteer.id, grant.name)
        if live is not None and live.granted_on > grant.granted_on:
            # a late-recorded older completion: history only, the newer grant stays live
            grant.status, grant.superseded_by = QualificationStatus.SUPERSEDED, live.id
            self.training.add(grant)
            return grant
        if live is not None:
            live.status = QualificationStatus.SUPERSEDED
            self.session.flush()
        self.training.add(grant)
        if live is not None:
            live.superseded_by = grant.id
            self.session.flush()
        self._publish(grant, events.QUALIFICATION_GRANTED, qualification_event(grant))
        return grant

    def _course(self, course_id: uuid.UUID, for_update: bool = False) -> Course:
        course = self.training.course(course_id, for_update=for_update)
        if course is None:
            raise CourseNotFound()
        return course

    def _open_course(self, course_id: uuid.UUID) -> Course:
        course = self._course(course_id, for_update=True)
        if course.retired_on is not None:
            raise CourseRetired()
        return course

    def _volunteer(self, volunteer_id: uuid.UUID) -> Volunteer:
        volunteer = self.volunteers.get(volunteer_id)
        if volunteer is None:
            raise VolunteerNotFound()
        return volunteer

    def _qualification(self, qualification_id: uuid.UUID, for_update: bool = False) -> Qualification:
        qualification = self.training.qualification(qualification_id, for_update=for_update)
        if qualification is None:
            raise QualificationNotFound()
        return qualification

    def _save_course(self, course: Course, new: bool = False) -> None:
        try:
            with self.session.begin_nested():
                if new:
                    self.session.add(course)
                self.session.flush()
        except IntegrityError as error:
            raise CourseNameTaken() from error

    def _publish(
        self,
        row: Course | Qualification,
        spec: EventSpec[Payload],
        data: Payload,
        subject: uuid.UUID | None = None,
    ) -> None:
        """Qualification events are keyed by the volunteer, so one person's history stays in order."""
        if subject is None and isinstance(row, Qualification):
            subject = row.volunteer_id
        messaging.publish(
            self.session,
            spec,
            data,
            subject=subject,
            tenant_id=row.tenant_id,
            tenant_path=row.tenant_path,
        )


def qualification_event(qualification: Qualification) -> events.QualificationV1:
    return events.QualificationV1(
        volunteer_id=qualification.volunteer_id,
        qualification_id=qualification.id,
        name=qualification.name,
        granted_on=qualification.granted_on,
        expires_on=qualification.expires_on,
    )


def _course_out(course: Course) -> CourseOut:
    return CourseOut(
        id=course.id,
        name=course.name,
        description=course.description,
        qualification=course.qualification,
        validity_months=course.validity_months,
        retired_on=course.retired_on,
    )


def _qualification_out(qualification: Qualification) -> QualificationOut:
    return QualificationOut.model_validate(qualification, from_attributes=True)


def _completion_out(completion: Completion, course: Course, granted: Qualification | None) -> CompletionOut:
    return CompletionOut(
        id=completion.id,
        course_id=course.id,
        course_name=course.name,
        volunteer_id=completion.volunteer_id,
        completed_on=completion.completed_on,
        passed=completion.passed,
        score=completion.score,
        trainer=completion.trainer,
        recorded_by=completion.recorded_by,
        qualification=_qualification_out(granted) if granted else None,
    )
