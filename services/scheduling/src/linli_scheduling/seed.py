"""The demo committee's schedule for `make run`: two service projects, four weekly activities and a
training session, a year of history and four weeks ahead.

History is not written into tables: it is replayed through the same services the API uses, each call
made "as of" its moment (sign-ups a few days before a shift, the leader's confirmation after it), so the
records, hours and events are exactly what real use would have produced."""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from linli_scheduling.activities.models import Activity, Shift, ShiftStatus
from linli_scheduling.activities.schemas import ActivityCreate
from linli_scheduling.activities.service import ActivityService
from linli_scheduling.activities.tasks import extend_horizon
from linli_scheduling.attendance.schemas import LeaderConfirmation
from linli_scheduling.attendance.service import AttendanceService
from linli_scheduling.attendance.tasks import close_ended_shifts
from linli_scheduling.facts.eligibility import unmet_requirements
from linli_scheduling.facts.models import AreaFact, CourseFact, VolunteerFact
from linli_scheduling.projects.models import Project, ProjectStatus
from linli_scheduling.projects.schemas import MemberAdd, ProjectCreate, StatusChange
from linli_scheduling.projects.service import ProjectService
from linli_scheduling.records.models import ServiceRecord
from linli_scheduling.records.schemas import LateEntryCreate
from linli_scheduling.records.service import LateEntryService
from linli_scheduling.signups.models import Signup, SignupStatus
from linli_scheduling.signups.schemas import SignupAssign
from linli_scheduling.signups.service import SignupService, mark_no_show
from linli_shared.clock import SHANGHAI, Clock
from linli_shared.db import Database
from linli_shared.problems import Problem
from linli_shared.tenancy import Role, TenantContext

#: weeks of history replayed, and weeks planned ahead with sign-ups
HISTORY_WEEKS, WEEKS_AHEAD = 51, 4
T = TypeVar("T")


def seed_committee(
    database: Database,
    tenant_id: uuid.UUID,
    tenant_path: str,
    expect_volunteers: int,
    wait_seconds: float = 120,
    clock: Clock | None = None,
    history_weeks: int = HISTORY_WEEKS,
) -> str:
    """Idempotent: a committee that already has projects is left as it is. Waits (bounded) until the
    consumer has brought in the roster's volunteers, which are what the schedule is planned around."""
    staff = TenantContext(
        tenant_id=tenant_id, tenant_path=tenant_path, role=Role.TENANT_ADMIN, subject="seed"
    )
    _wait_for_roster(database, staff, expect_volunteers, wait_seconds)
    now = (clock or Clock()).now()
    rng = random.Random(20_261_125)  # the same demo every time
    with database.transaction(staff) as session:
        if session.scalar(select(func.count()).select_from(Project)):
            # the count still tells the evaluation seed how many records to wait for
            return (
                f"already seeded: {session.scalar(select(func.count()).select_from(ServiceRecord))} records"
            )
        people = list(
            session.scalars(
                select(VolunteerFact).where(VolunteerFact.status == "active").order_by(VolunteerFact.name)
            )
        )
        backbone = [person for person in people if person.tier == "backbone"] or people
        micro_grids = list(
            session.scalars(select(AreaFact).where(AreaFact.kind == "micro_grid").order_by(AreaFact.name))
        )
        first_aid = session.scalars(select(CourseFact).where(CourseFact.qualification.is_not(None))).first()
    start = datetime.combine(
        now.astimezone(SHANGHAI).date() - timedelta(weeks=history_weeks), datetime.min.time()
    )
    planned_at = start.replace(tzinfo=SHANGHAI) - timedelta(days=2)

    elderly, watch = _projects(database, staff, planned_at, backbone, rng)
    activities = [
        _activity(
            database,
            staff,
            planned_at,
            name="垃圾分类值守",
            kind="grid_duty",
            content="垃圾投放点值守, 指导居民分类投放",
            recipient="小区居民",
            area_id=micro_grids[0].area_id if micro_grids else None,
            place="3号楼垃圾投放点",
            lead=backbone[0],
            first=_next(start, 5, 7, 30),  # Saturdays 07:30
            minutes=120,
            rule="FREQ=WEEKLY;BYDAY=SA",
            capacity=4,
        ),
        _activity(
            database,
            staff,
            planned_at,
            name="独居老人探访",
            kind="service",
            content="上门探访, 陪聊, 检查水电燃气安全",
            recipient="独居老人",
            place="西门居民区各楼栋",
            lead=backbone[1 % len(backbone)],
            first=_next(start, 2, 14, 0),  # Wednesdays 14:00
            minutes=120,
            rule="FREQ=WEEKLY;BYDAY=WE",
            capacity=3,
            project_id=elderly,
        ),
        _activity(
            database,
            staff,
            planned_at,
            name="夜间平安巡逻",
            kind="service",
            content="小区夜间巡逻, 消防通道检查",
            recipient="小区居民",
            place="西门居民区",
            lead=backbone[2 % len(backbone)],
            first=_next(start, 4, 19, 0),  # Fridays 19:00
            minutes=90,
            rule="FREQ=WEEKLY;BYDAY=FR",
            capacity=4,
            project_id=watch,
            required_tier="backbone",
        ),
    ]
    if first_aid is not None:
        activities.append(
            _activity(
                database,
                staff,
                planned_at,
                name="社区急救站值守",
                kind="service",
                content="社区活动室急救站值守",
                recipient="社区居民",
                place="社区活动室",
                lead=backbone[3 % len(backbone)],
                first=_next(start, 6, 9, 0),  # Sundays 09:00
                minutes=120,
                rule="FREQ=WEEKLY;BYDAY=SU",
                capacity=2,
                required_qualification=first_aid.qualification,
            )
        )
        training_day = now.astimezone(SHANGHAI).date() + timedelta(days=10)
        _activity(
            database,
            staff,
            now,
            name=f"{first_aid.name}培训",
            kind="training_session",
            content="心肺复苏与AED使用",
            place="社区活动室",
            lead=backbone[0],
            first=datetime.combine(training_day, datetime.min.time()).replace(hour=9),
            minutes=180,
            rule=None,
            capacity=20,
            course_id=first_aid.course_id,
        )
    # planned a year ago, the series reach a year from then; the daily horizon task takes them a year from now
    extend_horizon(database, tenant_id, tenant_path, now.astimezone(SHANGHAI).date())
    shifts = _shifts_until(database, staff, activities, now + timedelta(weeks=WEEKS_AHEAD))
    records = _replay(database, staff, shifts, people, now, rng)
    close_ended_shifts(database, tenant_id, tenant_path, now)
    _open_requests(database, staff, now)
    return f"{len(activities) + (first_aid is not None)} activities, {len(shifts)} shifts, {records} records"


def _wait_for_roster(database: Database, staff: TenantContext, expected: int, wait_seconds: float) -> None:
    deadline = time.monotonic() + wait_seconds
    while True:
        with database.transaction(staff) as session:
            known = session.scalar(select(func.count()).select_from(VolunteerFact)) or 0
        if known >= expected:
            return
        if time.monotonic() > deadline:
            raise SystemExit(f"scheduling knows {known} of {expected} volunteers after {wait_seconds:.0f} s")
        time.sleep(0.5)


def _as_of(database: Database, staff: TenantContext, call: Callable[[Session], T]) -> T:
    with database.transaction(staff) as session:
        return call(session)


def _projects(
    database: Database, staff: TenantContext, at: datetime, backbone: list[VolunteerFact], rng: random.Random
) -> tuple[uuid.UUID, uuid.UUID]:
    def create(session: Session) -> tuple[uuid.UUID, uuid.UUID]:
        projects = ProjectService(session, staff, at)
        elderly = projects.create(
            ProjectCreate(
                name="关爱银发,乐龄生活",
                description="结对独居和高龄老人, 定期探访, 代办小事",
                owner_volunteer_id=backbone[0].volunteer_id,
                goals=["结对独居老人30户", "每周探访一次", "每季度组织一次集体活动"],
            )
        )
        watch = projects.create(
            ProjectCreate(
                name="智慧社区,邻里守望",
                description="夜间巡逻与邻里互助, 配合智慧安防",
                owner_volunteer_id=backbone[1 % len(backbone)].volunteer_id,
                goals=["每周五夜间巡逻", "消防通道零占用"],
            )
        )
        projects.change_status(
            elderly.id, StatusChange(status=ProjectStatus.ESTABLISHED, note="试运行三个月, 成效良好")
        )
        for person in rng.sample(backbone, min(6, len(backbone))):
            projects.add_member(elderly.id, MemberAdd(volunteer_id=person.volunteer_id, duty="探访员"))
        return elderly.id, watch.id

    return _as_of(database, staff, create)


def _activity(
    database: Database,
    staff: TenantContext,
    at: datetime,
    *,
    name: str,
    kind: str,
    place: str,
    lead: VolunteerFact,
    first: datetime,
    minutes: int,
    rule: str | None,
    capacity: int,
    content: str = "",
    recipient: str = "",
    area_id: uuid.UUID | None = None,
    project_id: uuid.UUID | None = None,
    course_id: uuid.UUID | None = None,
    required_tier: str | None = None,
    required_qualification: str | None = None,
) -> uuid.UUID:
    request = ActivityCreate(
        name=name,
        kind=kind,
        project_id=project_id,
        content=content,
        recipient=recipient,
        area_id=area_id,
        place=place,
        lead_volunteer_id=lead.volunteer_id,
        course_id=course_id,
        first_starts_at=first.replace(tzinfo=SHANGHAI),
        duration_minutes=minutes,
        recurrence=rule,
        capacity=capacity,
        required_tier=required_tier,
        required_qualification=required_qualification,
    )
    return _as_of(
        database, staff, lambda session: ActivityService(session, staff).create_activity(request, at).id
    )


def _shifts_until(
    database: Database, staff: TenantContext, activities: list[uuid.UUID], until: datetime
) -> list[Shift]:
    with database.transaction(staff) as session:
        shifts = session.scalars(
            select(Shift)
            .where(
                Shift.activity_id.in_(activities),
                Shift.starts_at < until,
                Shift.status == ShiftStatus.SCHEDULED,
            )
            .order_by(Shift.starts_at)
        ).all()
        session.expunge_all()
        return list(shifts)


def _replay(
    database: Database,
    staff: TenantContext,
    shifts: list[Shift],
    people: list[VolunteerFact],
    now: datetime,
    rng: random.Random,
) -> int:
    """Sign-ups three days before each shift (one more than fits, so someone waits); for the shifts that
    are over, the leader confirms who came — one in ten did not — and the sweep closes the rest."""
    recorded = 0
    for shift in shifts:
        with database.transaction(staff) as session:
            eligible = [person for person in people if not unmet_requirements(session, shift, person)]
        chosen = rng.sample(eligible, min(len(eligible), shift.capacity + 1))
        sign_up_at = min(shift.starts_at - timedelta(days=3), now)
        for person in chosen:
            _assign(database, staff, shift.id, person.volunteer_id, sign_up_at)
        if shift.ends_at > now:
            continue
        confirmed_at = shift.ends_at + timedelta(minutes=10)
        with database.transaction(staff) as session:
            places = session.scalars(
                select(Signup).where(Signup.shift_id == shift.id, Signup.status == SignupStatus.CONFIRMED)
            ).all()
            attendees = [(signup.id, signup.volunteer_id) for signup in places]
        for signup_id, volunteer_id in attendees:
            if rng.random() < 0.1:
                with database.transaction(staff) as session:
                    signup = session.get(Signup, (staff.tenant_id, signup_id))
                    assert signup is not None
                    mark_no_show(session, signup, staff.subject, confirmed_at)
                continue
            arrived = shift.starts_at + timedelta(minutes=rng.randint(-10, 10))
            left = shift.ends_at + timedelta(minutes=rng.randint(-20, 5))
            confirmation = LeaderConfirmation(
                volunteer_id=volunteer_id, checked_in_at=arrived, checked_out_at=left
            )
            recorded += _confirm(database, staff, shift.id, confirmation, confirmed_at)
    return recorded


def _open_requests(database: Database, staff: TenantContext, now: datetime) -> None:
    """Something for staff to look at: a 补录 awaiting a second person's approval."""
    with database.transaction(staff) as session:
        record = session.scalars(
            select(ServiceRecord).order_by(ServiceRecord.service_date.desc()).limit(1)
        ).first()
        if record is None:
            return
        activity = session.get(Activity, (record.tenant_id, record.activity_id))
        assert activity is not None
        # the day before yesterday, 09:00–10:30 local time
        day = now.astimezone(SHANGHAI).date() - timedelta(days=2)
        started = datetime.combine(day, datetime.min.time()).replace(hour=9, tzinfo=SHANGHAI)
        LateEntryService(session, staff).file_for(
            LateEntryCreate(
                volunteer_id=record.volunteer_id,
                activity_id=activity.id,
                started_at=started,
                ended_at=started + timedelta(hours=1, minutes=30),
                reason="周末临时帮忙搬运防汛物资, 当时未签到",
            ),
            now,
        )


def _assign(
    database: Database, staff: TenantContext, shift_id: uuid.UUID, volunteer_id: uuid.UUID, at: datetime
) -> None:
    """A refusal (a clash with another booking, say) is part of real life: skip it and go on."""
    try:
        with database.transaction(staff) as session:
            SignupService(session, staff, at).assign(shift_id, SignupAssign(volunteer_id=volunteer_id))
    except Problem:
        return


def _confirm(
    database: Database,
    staff: TenantContext,
    shift_id: uuid.UUID,
    confirmation: LeaderConfirmation,
    at: datetime,
) -> bool:
    try:
        with database.transaction(staff) as session:
            AttendanceService(session, staff, at).confirm(shift_id, confirmation)
    except Problem:
        return False
    return True


def _next(start: datetime, weekday: int, hour: int, minute: int) -> datetime:
    """The first `weekday` (Monday 0) on or after `start`, at a local time."""
    day: date = start.date() + timedelta(days=(weekday - start.weekday()) % 7)
    return datetime.combine(day, datetime.min.time()).replace(hour=hour, minute=minute)
