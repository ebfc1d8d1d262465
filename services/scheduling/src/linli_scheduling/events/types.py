"""Every event the scheduling service publishes. Payloads are versioned and self-contained: a consumer
(the evaluation service's hours ledger, the roster's "last served") never has to call back for facts.
JSON Schemas live in `schemas/` (`make schemas`)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from linli_shared.events.envelope import EventPayload, EventSpec

PROJECTS_TOPIC = "scheduling.projects"
#: keyed by the shift: one shift's changes, sign-ups and attendance stay in order
SHIFTS_TOPIC = "scheduling.shifts"
SIGNUPS_TOPIC = "scheduling.signups"
ATTENDANCE_TOPIC = "scheduling.attendance"
#: keyed by the volunteer: one person's records, adjustments and voids stay in order
SERVICE_RECORDS_TOPIC = "scheduling.service_records"
TRAINING_TOPIC = "scheduling.training"


class ProjectV1(EventPayload):
    project_id: uuid.UUID
    name: str
    status: str
    owner_volunteer_id: uuid.UUID | None
    goals: list[str]


class ShiftV1(EventPayload):
    shift_id: uuid.UUID
    activity_id: uuid.UUID
    project_id: uuid.UUID | None
    activity_name: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    #: the shift's day in Asia/Shanghai
    local_date: date
    capacity: int
    confirmed: int
    area_id: uuid.UUID | None
    place: str
    leader_volunteer_id: uuid.UUID | None
    required_qualification: str | None
    required_role: str | None
    required_tier: str | None
    status: str
    #: why it was cancelled (cancelled events only)
    reason: str | None


class SignupV1(EventPayload):
    signup_id: uuid.UUID
    shift_id: uuid.UUID
    volunteer_id: uuid.UUID
    status: str
    #: self | assigned
    source: str
    starts_at: datetime
    ends_at: datetime
    #: a waitlisted sign-up moved up because someone cancelled
    promoted: bool
    #: cancelled after the volunteer's cut-off (a reliability signal)
    late_cancellation: bool
    reason: str | None


class AttendanceV1(EventPayload):
    attendance_id: uuid.UUID
    shift_id: uuid.UUID
    volunteer_id: uuid.UUID
    #: check-in time for checked_in, check-out time for checked_out
    at: datetime
    #: qr | leader | sweep
    method: str
    auto_closed: bool


class ServiceRecordedV1(EventPayload):
    """A whole 志愿服务记录: everything the hours ledger, reports and certificates need."""

    record_id: uuid.UUID
    #: the record's first ledger entry is sequence 1; adjustments continue the sequence
    sequence: int
    volunteer_id: uuid.UUID
    volunteer_name: str
    activity_id: uuid.UUID
    activity_name: str
    activity_kind: str
    project_id: uuid.UUID | None
    shift_id: uuid.UUID | None
    area_id: uuid.UUID | None
    place: str
    recipient: str
    content: str
    service_date: date
    started_at: datetime
    ended_at: datetime
    service_minutes: int
    hours: float
    rounding: str
    lead_name: str
    recorded_by: str
    recorder_name: str
    #: check_out | leader | sweep | late_entry
    source: str
    late_entry: bool
    self_reported: bool
    auto_closed: bool


class RecordEntryV1(EventPayload):
    """An adjustment or a void: a new ledger entry for a record, never an edit of the old one."""

    record_id: uuid.UUID
    entry_id: uuid.UUID
    sequence: int
    volunteer_id: uuid.UUID
    activity_id: uuid.UUID
    activity_kind: str
    project_id: uuid.UUID | None
    area_id: uuid.UUID | None
    service_date: date
    hours_before: float
    hours_after: float
    #: hours_after - hours_before
    delta: float
    reason: str
    decided_by: str
    #: the correction request (更正申请) this entry grants, if any
    correction_id: uuid.UUID | None


class LateEntryApprovedV1(EventPayload):
    late_entry_id: uuid.UUID
    record_id: uuid.UUID
    volunteer_id: uuid.UUID
    service_date: date
    hours: float
    self_reported: bool
    filed_by: str
    approved_by: str


class TrainingAttendedV1(EventPayload):
    """A training session's result for one attendee; the roster records a completion from it (and a
    passing one grants the course's qualification)."""

    shift_id: uuid.UUID
    course_id: uuid.UUID
    volunteer_id: uuid.UUID
    attended_on: date
    passed: bool
    score: int | None
    recorded_by: str


class SchedulingEvent(StrEnum):
    PROJECT_CREATED = "linli.scheduling.project.created.v1"
    PROJECT_CHANGED = "linli.scheduling.project.changed.v1"
    SHIFT_CREATED = "linli.scheduling.shift.created.v1"
    SHIFT_CHANGED = "linli.scheduling.shift.changed.v1"
    SHIFT_CANCELLED = "linli.scheduling.shift.cancelled.v1"
    SIGNUP_CONFIRMED = "linli.scheduling.signup.confirmed.v1"
    SIGNUP_WAITLISTED = "linli.scheduling.signup.waitlisted.v1"
    SIGNUP_CANCELLED = "linli.scheduling.signup.cancelled.v1"
    SIGNUP_NO_SHOW = "linli.scheduling.signup.no_show.v1"
    CHECKED_IN = "linli.scheduling.attendance.checked_in.v1"
    CHECKED_OUT = "linli.scheduling.attendance.checked_out.v1"
    RECORD_RECORDED = "linli.scheduling.service_record.recorded.v1"
    RECORD_ADJUSTED = "linli.scheduling.service_record.adjusted.v1"
    RECORD_VOIDED = "linli.scheduling.service_record.voided.v1"
    LATE_ENTRY_APPROVED = "linli.scheduling.late_entry.approved.v1"
    TRAINING_ATTENDED = "linli.scheduling.training.attended.v1"


PROJECT_CREATED = EventSpec(
    SchedulingEvent.PROJECT_CREATED, PROJECTS_TOPIC, ProjectV1, "A service project began incubating."
)
PROJECT_CHANGED = EventSpec(
    SchedulingEvent.PROJECT_CHANGED,
    PROJECTS_TOPIC,
    ProjectV1,
    "A project's name, owner, goals or status changed.",
)
SHIFT_CREATED = EventSpec(SchedulingEvent.SHIFT_CREATED, SHIFTS_TOPIC, ShiftV1, "A shift was scheduled.")
SHIFT_CHANGED = EventSpec(
    SchedulingEvent.SHIFT_CHANGED,
    SHIFTS_TOPIC,
    ShiftV1,
    "A shift's time, capacity, leader or requirements changed.",
)
SHIFT_CANCELLED = EventSpec(
    SchedulingEvent.SHIFT_CANCELLED,
    SHIFTS_TOPIC,
    ShiftV1,
    "A shift was called off; its sign-ups are cancelled.",
)
SIGNUP_CONFIRMED = EventSpec(
    SchedulingEvent.SIGNUP_CONFIRMED,
    SIGNUPS_TOPIC,
    SignupV1,
    "A volunteer has a place (directly or promoted).",
)
SIGNUP_WAITLISTED = EventSpec(
    SchedulingEvent.SIGNUP_WAITLISTED,
    SIGNUPS_TOPIC,
    SignupV1,
    "The shift was full; the volunteer is on its waitlist.",
)
SIGNUP_CANCELLED = EventSpec(
    SchedulingEvent.SIGNUP_CANCELLED, SIGNUPS_TOPIC, SignupV1, "A sign-up was cancelled."
)
SIGNUP_NO_SHOW = EventSpec(
    SchedulingEvent.SIGNUP_NO_SHOW, SIGNUPS_TOPIC, SignupV1, "A confirmed volunteer did not come."
)
CHECKED_IN = EventSpec(SchedulingEvent.CHECKED_IN, ATTENDANCE_TOPIC, AttendanceV1, "A volunteer checked in.")
CHECKED_OUT = EventSpec(
    SchedulingEvent.CHECKED_OUT, ATTENDANCE_TOPIC, AttendanceV1, "A volunteer checked out."
)
RECORD_RECORDED = EventSpec(
    SchedulingEvent.RECORD_RECORDED, SERVICE_RECORDS_TOPIC, ServiceRecordedV1, "A service record was made."
)
RECORD_ADJUSTED = EventSpec(
    SchedulingEvent.RECORD_ADJUSTED,
    SERVICE_RECORDS_TOPIC,
    RecordEntryV1,
    "A record's hours were adjusted by a new entry (a correction, a review).",
)
RECORD_VOIDED = EventSpec(
    SchedulingEvent.RECORD_VOIDED,
    SERVICE_RECORDS_TOPIC,
    RecordEntryV1,
    "A record was voided; its hours no longer count.",
)
LATE_ENTRY_APPROVED = EventSpec(
    SchedulingEvent.LATE_ENTRY_APPROVED,
    SERVICE_RECORDS_TOPIC,
    LateEntryApprovedV1,
    "A second person approved a 补录; the record it made is flagged for audit.",
)
TRAINING_ATTENDED = EventSpec(
    SchedulingEvent.TRAINING_ATTENDED,
    TRAINING_TOPIC,
    TrainingAttendedV1,
    "A training session's result for one attendee.",
)

ALL_EVENTS = (
    PROJECT_CREATED,
    PROJECT_CHANGED,
    SHIFT_CREATED,
    SHIFT_CHANGED,
    SHIFT_CANCELLED,
    SIGNUP_CONFIRMED,
    SIGNUP_WAITLISTED,
    SIGNUP_CANCELLED,
    SIGNUP_NO_SHOW,
    CHECKED_IN,
    CHECKED_OUT,
    RECORD_RECORDED,
    RECORD_ADJUSTED,
    RECORD_VOIDED,
    LATE_ENTRY_APPROVED,
    TRAINING_ATTENDED,
)
TOPICS = (
    PROJECTS_TOPIC,
    SHIFTS_TOPIC,
    SIGNUPS_TOPIC,
    ATTENDANCE_TOPIC,
    SERVICE_RECORDS_TOPIC,
    TRAINING_TOPIC,
)
