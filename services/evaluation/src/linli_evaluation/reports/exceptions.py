from __future__ import annotations

from linli_shared.problems import Forbidden, Invalid, NotFound


class CommitteeNotFound(NotFound):
    slug = "committee-not-found"
    title = "No such committee in your part of the district"


class CommitteeRequired(Invalid):
    slug = "report-committee-required"
    title = "A town or district admin names the committee (`committee_id`) whose report to show"


class MonthsOutOfOrder(Invalid):
    slug = "report-months-out-of-order"
    title = "The range ends before it starts"


class TooManyMonths(Invalid):
    slug = "report-too-many-months"
    title = "A report covers at most 24 months"


class NotACommittee(Forbidden):
    slug = "report-committee-only"
    title = "Only the committee that recorded the service exports its records"


class ExportTooLarge(Invalid):
    slug = "report-export-too-large"
    title = "Too many records for one export; choose fewer months"
