"""The reports: a committee's month, a town's or district's roll-up of its committees, and a committee's
records in the national volunteer system's layout. Reads only."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from linli_evaluation.facts.models import RecordFact
from linli_evaluation.reports.exceptions import CommitteeNotFound, CommitteeRequired, ExportTooLarge
from linli_evaluation.reports.metrics import Counts, Hours, change, metrics, month_hours, tally_check
from linli_evaluation.reports.periods import Months, label
from linli_evaluation.reports.repository import Breakdown, Gathered, Grouped, Node, ReportRepository
from linli_evaluation.reports.schemas import (
    BreakdownRow,
    CommitteeMonthly,
    CommitteeRef,
    PeriodMetrics,
    Rollup,
    RollupRow,
    VolunteerRow,
)
from linli_shared.clock import SHANGHAI
from linli_shared.tenancy import Role, TenantContext

#: the roles of a committee's own people: they see their committee; towns and districts name one
COMMITTEE_ROLES = frozenset({Role.TENANT_ADMIN, Role.STAFF, Role.AUDITOR})
TOP_VOLUNTEERS = 10
#: a committee's two busiest years fit; beyond this the export is refused rather than run for minutes
MAX_EXPORT_RECORDS = 200_000
_CHUNK = 2_000

ACTIVITY_KIND_LABELS = {
    "service": "志愿服务",
    "grid_duty": "网格值守",
    "training_session": "培训课程",
    "deliberation_meeting": "议事会议",
    "mediation_class": "调解学习",
}
NO_PROJECT, UNKNOWN_PROJECT = "未归属项目", "未知项目"
NO_GRID, UNKNOWN_GRID = "未关联网格", "未知网格"
TOTAL = "合计"


class ReportService:
    def __init__(self, session: Session, context: TenantContext) -> None:
        self.context = context
        self.repository = ReportRepository(session, context)

    def committee_of(self, committee_id: uuid.UUID | None) -> Node:
        """A committee's people see their own committee (another's id is not found); a town or district
        admin names a committee of their subtree."""
        if self.context.role in COMMITTEE_ROLES:
            if committee_id not in (None, self.context.tenant_id):
                raise CommitteeNotFound()
            committee_id = self.context.tenant_id
        elif committee_id is None:
            raise CommitteeRequired()
        node = self.repository.node(committee_id, "committee") if committee_id else None
        if node is None:
            raise CommitteeNotFound()
        return node

    def committee_monthly(self, month: Months, committee_id: uuid.UUID | None) -> CommitteeMonthly:
        committee = self.committee_of(committee_id)
        now = self.repository.gather(month, committee.id).counts.get(committee.id, Counts())
        previous = month.previous()
        before = self.repository.gather(previous, committee.id).counts.get(committee.id, Counts())
        now_metrics, before_metrics = metrics(now), metrics(before)
        return CommitteeMonthly(
            committee=_ref(committee),
            month=label(month.first),
            first_day=month.start,
            last_day=month.end,
            metrics=now_metrics,
            tallied=tally_check(now),
            previous=PeriodMetrics(month=label(previous.first), metrics=before_metrics),
            change=change(now_metrics, before_metrics),
            top_volunteers=self._top_volunteers(committee, month),
            projects=self._breakdown(committee, month, Breakdown.PROJECT),
            grids=self._breakdown(committee, month, Breakdown.GRID),
            activity_kinds=self._breakdown(committee, month, Breakdown.ACTIVITY_KIND),
        )

    def rollup(self, months: Months) -> Rollup:
        """Every committee of the caller's subtree, each town's subtotal and the total; a committee's people
        see their committee alone."""
        own = self.context.tenant_id if self.context.role in COMMITTEE_ROLES else None
        committees = [node for node in self.repository.nodes("committee") if own in (None, node.id)]
        towns = [] if own else self.repository.nodes("town")
        gathered = self.repository.gather(months, own)
        rows = {node.id: self._row(months, gathered, "committee", node, [node]) for node in committees}
        town_rows = [
            self._row(
                months, gathered, "town", town, [node for node in committees if node.parent_id == town.id]
            )
            for town in towns
        ]
        town_ids = {town.id for town in towns}
        # town by town as the subtotals are; then any committee directly under the caller's node
        ordered = [rows[node.id] for town in towns for node in committees if node.parent_id == town.id]
        ordered += [rows[node.id] for node in committees if node.parent_id not in town_ids]
        total = self._row(months, gathered, "total", None, committees)
        return Rollup(
            from_month=label(months.first),
            to_month=label(months.last),
            months=[label(month) for month in months.each()],
            committees=ordered,
            towns=town_rows,
            total=total,
        )

    def national_records(self, months: Months) -> tuple[Node, Iterator[list[Any]]]:
        """The committee's records (voided ones flagged) as rows of the national record layout."""
        committee = self.committee_of(None)
        if self.repository.record_count(committee.id, months) > MAX_EXPORT_RECORDS:
            raise ExportTooLarge(f"More than {MAX_EXPORT_RECORDS} records; choose fewer months.")
        rows = (
            _national_row(record, name, score)
            for record, name, score in self.repository.records_with_ratings(committee.id, months, _CHUNK)
        )
        return committee, rows

    def _row(
        self, months: Months, gathered: Gathered, kind: str, node: Node | None, members: list[Node]
    ) -> RollupRow:
        counts = sum((gathered.counts.get(member.id, Counts()) for member in members), start=Counts())
        series = []
        for month in months.each():
            hours = sum(
                (gathered.series.get(member.id, {}).get(month, Hours()) for member in members), start=Hours()
            )
            series.append(month_hours(label(month), hours))
        return RollupRow(
            kind=kind,
            id=node.id if node else self.context.tenant_id,
            name=node.name if node else TOTAL,
            parent_id=node.parent_id if node and kind == "committee" else None,
            committees=len(members),
            metrics=metrics(counts),
            tallied=tally_check(counts),
            series=series,
        )

    def _top_volunteers(self, committee: Node, month: Months) -> list[VolunteerRow]:
        top = self.repository.top_volunteers(committee.id, month, TOP_VOLUNTEERS)
        ids = [group.key for group in top]
        register = self.repository.register_entries(committee.id, ids)
        on_records = self.repository.names_on_records(
            committee.id, [key for key in ids if key not in register]
        )
        rows = []
        for group in top:
            entry = register.get(group.key)
            rows.append(
                VolunteerRow(
                    volunteer_id=group.key,
                    name=entry.name if entry else on_records.get(group.key, ""),
                    tier=entry.tier if entry else None,
                    stars=entry.stars if entry else 0,
                    records=group.records,
                    verified_hours=group.verified,
                    unverified_hours=group.unverified,
                    hours=group.verified + group.unverified,
                )
            )
        return rows

    def _breakdown(self, committee: Node, month: Months, by: Breakdown) -> list[BreakdownRow]:
        groups = self.repository.breakdown(committee.id, month, by)
        keys = [group.key for group in groups if group.key is not None]
        rows = [
            BreakdownRow(
                key=None if group.key is None else str(group.key),
                name=name,
                records=group.records,
                volunteers=group.volunteers,
                verified_hours=group.verified,
                unverified_hours=group.unverified,
                hours=group.verified + group.unverified,
            )
            for group, name in zip(groups, self._names(committee, by, groups, keys), strict=True)
        ]
        return sorted(rows, key=lambda row: (-row.hours, row.key is None, row.name))

    def _names(self, committee: Node, by: Breakdown, groups: list[Grouped], keys: list[Any]) -> list[str]:
        """What each group is called: a project's or grid's name as the roster and scheduling announced it
        (or a placeholder for records without one, or whose name never reached evaluation), an activity
        kind's label."""
        if by is Breakdown.ACTIVITY_KIND:
            return [ACTIVITY_KIND_LABELS.get(group.key, group.key) for group in groups]
        if by is Breakdown.PROJECT:
            names, missing, unknown = (
                self.repository.project_names(committee.id, keys),
                NO_PROJECT,
                UNKNOWN_PROJECT,
            )
        else:
            names, missing, unknown = self.repository.area_names(committee.id, keys), NO_GRID, UNKNOWN_GRID
        return [missing if group.key is None else names.get(group.key, unknown) for group in groups]


def _ref(node: Node) -> CommitteeRef:
    return CommitteeRef(id=node.id, name=node.name, active=node.active)


def _national_row(record: RecordFact, name_on_register: str | None, score: int | None) -> list[Any]:
    """志愿者姓名 … 备注, in the national layout's order. Evaluation holds no identity documents: 证件类型 and
    证件号码 stay empty for the committee to fill from the roster where the national system needs them."""
    flags = [
        label
        for flagged, label in (
            (record.late_entry, "补录"),
            (record.self_reported, "自报"),
            (record.auto_closed, "系统签退"),
            (record.voided, "已作废"),
        )
        if flagged
    ]
    return [
        name_on_register or record.volunteer_name,
        None,
        None,
        record.activity_name,
        record.service_date,
        _local(record.started_at),
        _local(record.ended_at),
        Decimal(record.hours),
        record.place,
        record.recipient,
        record.content,
        record.lead_name,
        record.recorder_name,
        score,
        "、".join(flags) or None,
    ]


def _local(moment: datetime) -> datetime:
    """Asia/Shanghai wall-clock time without a zone: spreadsheets have no time zones."""
    return moment.astimezone(SHANGHAI).replace(tzinfo=None)
