"""Training sessions' results (课堂式培训): who attended a session passed or not, one result per attendee.

Attending a training session earns no service hours (the hour policy excludes the kind); what it earns is
a course completion in the roster, which records it from the `training.attended` event published here (and
grants the course's qualification on a pass)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, model_validator
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from linli_scheduling.access import READERS, WRITERS, volunteer_of, writable_committee
from linli_scheduling.activities.models import Activity, ActivityKind, Shift, ShiftStatus
from linli_scheduling.attendance.models import Attendance, TrainingResult
from linli_scheduling.database import messaging
from linli_scheduling.events import types as events
from linli_shared.db import within
from linli_shared.problems import Conflict, Forbidden, Invalid, NotFound
from linli_shared.tenancy import Role, TenantContext

#: a session's attendees, at most; a larger class is recorded in several requests
MOST_RESULTS = 500


class ShiftNotFound(NotFound):
    slug = "shift-not-found"
    title = "Shift not found"


class NotATrainingSession(Conflict):
    slug = "not-a-training-session"
    title = "Only a training session's shifts have training results"


class TrainingNotOver(Conflict):
    slug = "training-not-over"
    title = "Results are recorded once the session has ended or its attendees have checked out"


class NotAnAttendee(Invalid):
    slug = "not-an-attendee"
    title = "A result is recorded only for someone who attended the session"


class ResultRecorded(Conflict):
    slug = "training-result-recorded"
    title = "A result for this volunteer and session is already recorded"


class NotTheLeader(Forbidden):
    slug = "not-the-shift-leader"
    title = "Only committee staff or the session's leader record its results"


# schemas --------------------------------------------------------------------------------------------------


class ResultIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    volunteer_id: uuid.UUID
    passed: StrictBool
    score: Annotated[StrictInt, Field(ge=0, le=100)] | None = None


class TrainingResultsCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    results: Annotated[list[ResultIn], Field(min_length=1, max_length=MOST_RESULTS)]

    @model_validator(mode="after")
    def _one_result_per_volunteer(self) -> Self:
        volunteers = [result.volunteer_id for result in self.results]
        if len(set(volunteers)) != len(volunteers):
            raise ValueError("each volunteer appears once")
        return self


class TrainingResultOut(BaseModel):
    shift_id: uuid.UUID
    volunteer_id: uuid.UUID
    course_id: uuid.UUID
    #: the session's day in Asia/Shanghai: the completion's date in the roster
    attended_on: date
    passed: bool
    score: int | None
    recorded_by: str
    created_at: datetime


# queries --------------------------------------------------------------------------------------------------


class TrainingRepository:
    def __init__(self, session: Session, context: TenantContext) -> None:
        self.session = session
        self.context = context

    def shift(self, shift_id: uuid.UUID, for_update: bool = False) -> Shift | None:
        query = select(Shift).where(Shift.id == shift_id, within(Shift.tenant_path, self.context.tenant_path))
        return self.session.scalars(query.with_for_update() if for_update else query).first()

    def activity(self, shift: Shift) -> Activity:
        return self.session.scalars(
            select(Activity).where(Activity.tenant_id == shift.tenant_id, Activity.id == shift.activity_id)
        ).one()

    def attendances(self, shift: Shift) -> Sequence[Attendance]:
        return self.session.scalars(
            select(Attendance).where(Attendance.tenant_id == shift.tenant_id, Attendance.shift_id == shift.id)
        ).all()

    def results(self, shift: Shift) -> Sequence[TrainingResult]:
        return self.session.scalars(
            select(TrainingResult)
            .where(TrainingResult.tenant_id == shift.tenant_id, TrainingResult.shift_id == shift.id)
            .order_by(TrainingResult.created_at, TrainingResult.volunteer_id)
        ).all()

    def add_all(self, rows: Sequence[TrainingResult]) -> None:
        self.session.add_all(rows)
        self.session.flush()


# use cases ------------------------------------------------------------------------------------------------


class TrainingService:
    def __init__(self, session: Session, context: TenantContext) -> None:
        self.session = session
        self.context = context
        self.training = TrainingRepository(session, context)

    def record(
        self, shift_id: uuid.UUID, request: TrainingResultsCreate, now: datetime
    ) -> list[TrainingResultOut]:
        """All the results or none. The shift row is locked, so two submissions for one session are
        checked one after the other (and the primary key refuses a repeat regardless)."""
        context = writable_committee(self.session, self.context)
        shift = self._shift(shift_id, for_update=True)
        self._check_may_record(shift)
        activity = self.training.activity(shift)
        if activity.kind != ActivityKind.TRAINING_SESSION or activity.course_id is None:
            raise NotATrainingSession()
        if shift.status == ShiftStatus.CANCELLED:
            raise NotATrainingSession("The session was cancelled.")
        attendances = {row.volunteer_id: row for row in self.training.attendances(shift)}
        if not _is_over(shift, list(attendances.values()), now):
            raise TrainingNotOver()
        absent = [
            str(result.volunteer_id) for result in request.results if result.volunteer_id not in attendances
        ]
        if absent:
            raise NotAnAttendee(volunteer_ids=absent)
        recorded = {row.volunteer_id for row in self.training.results(shift)}
        repeated = [str(result.volunteer_id) for result in request.results if result.volunteer_id in recorded]
        if repeated:
            raise ResultRecorded(volunteer_ids=repeated)
        rows = [
            TrainingResult(
                tenant_id=shift.tenant_id,
                shift_id=shift.id,
                volunteer_id=result.volunteer_id,
                tenant_path=shift.tenant_path,
                course_id=activity.course_id,
                attended_on=shift.local_date,
                passed=result.passed,
                score=result.score,
                recorded_by=context.subject,
            )
            for result in request.results
        ]
        try:
            with self.session.begin_nested():
                self.training.add_all(rows)
        except IntegrityError as error:
            raise ResultRecorded() from error
        for row in rows:
            messaging.publish(
                self.session,
                events.TRAINING_ATTENDED,
                events.TrainingAttendedV1(
                    shift_id=row.shift_id,
                    course_id=row.course_id,
                    volunteer_id=row.volunteer_id,
                    attended_on=row.attended_on,
                    passed=row.passed,
                    score=row.score,
                    recorded_by=row.recorded_by,
                ),
                subject=row.volunteer_id,
                tenant_id=row.tenant_id,
                tenant_path=row.tenant_path,
            )
        return [_result_out(row) for row in rows]

    def results(self, shift_id: uuid.UUID) -> list[TrainingResultOut]:
        shift = self._shift(shift_id)
        if self.context.role not in READERS:
            self._check_may_record(shift)
        return [_result_out(row) for row in self.training.results(shift)]

    def _check_may_record(self, shift: Shift) -> None:
        """Staff, or the volunteer leading this session (who runs the class and knows who passed)."""
        if self.context.role in WRITERS:
            return
        if self.context.role != Role.VOLUNTEER:
            raise Forbidden("Your role does not allow this.")
        if volunteer_of(self.session, self.context).volunteer_id != shift.leader_volunteer_id:
            raise NotTheLeader()

    def _shift(self, shift_id: uuid.UUID, for_update: bool = False) -> Shift:
        shift = self.training.shift(shift_id, for_update=for_update)
        if shift is None:
            raise ShiftNotFound()
        return shift


def _is_over(shift: Shift, attendances: list[Attendance], now: datetime) -> bool:
    """The session has ended, or everyone who came has already checked out (a class that finished early)."""
    if shift.ends_at <= now:
        return True
    return bool(attendances) and all(row.checked_out_at is not None for row in attendances)


def _result_out(row: TrainingResult) -> TrainingResultOut:
    return TrainingResultOut.model_validate(row, from_attributes=True)
