from linli_shared.problems import Conflict, Invalid, NotFound


class PlanNotFound(NotFound):
    slug = "audit-plan-not-found"
    title = "Audit plan not found"


class TaskNotFound(NotFound):
    slug = "audit-task-not-found"
    title = "Audit task not found"


class PeriodEnded(Invalid):
    slug = "audit-period-ended"
    title = "A plan's seed is committed before its period ends, while its records may still change"


class PeriodTooLong(Invalid):
    slug = "audit-period-too-long"
    title = "An audit period is at most a year"


class PeriodOverlaps(Conflict):
    slug = "audit-period-overlaps"
    title = "Another audit plan of this committee already covers part of this period"


class PeriodNotEnded(Conflict):
    slug = "audit-period-not-ended"
    title = "A plan is drawn only after its period has ended"


class PlanCompleted(Conflict):
    slug = "audit-plan-completed"
    title = "Every task of this plan is decided"


class TaskDecided(Conflict):
    slug = "audit-task-decided"
    title = "This audit task has already been decided"


class RecordVoided(Conflict):
    slug = "audit-record-voided"
    title = "The record was voided after the draw and counts no hours; reject it to close the task"


class HoursUnchanged(Invalid):
    slug = "audit-hours-unchanged"
    title = "An adjustment changes the record's hours; to keep them, confirm the record"


class PolicyChangedConcurrently(Conflict):
    slug = "audit-policy-changed-concurrently"
    title = "Someone else set this policy at the same moment; reload it and try again"


class PlanNotDrawn(Conflict):
    slug = "audit-plan-not-drawn"
    title = "The plan is not drawn yet: its seed stays secret until its period's records are final"


class ReportRangeInvalid(Invalid):
    slug = "audit-report-range-invalid"
    title = "A report runs from a day to a later one, over at most 36 months"
