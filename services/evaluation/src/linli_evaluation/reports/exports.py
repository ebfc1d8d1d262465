"""The reports as files: .xlsx workbooks (Chinese headers, a bold frozen header row, set column widths,
numbers as numbers, rates as percentages) and the national export also as CSV (UTF-8 with a BOM, so
Excel opens it as UTF-8). Text from records is data, never a formula, in both."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from linli_evaluation.reports.schemas import BreakdownRow, CommitteeMonthly, Metrics, Rollup, RollupRow

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
PERCENT = "0.0%"
HOURS = "0.00"
DATETIME = "yyyy-mm-dd hh:mm"

#: the national volunteer information system's service-record layout, in its order; (header, width)
NATIONAL_COLUMNS = (
    ("志愿者姓名", 12),
    ("证件类型", 10),
    ("证件号码", 20),
    ("活动名称", 24),
    ("服务日期", 12),
    ("服务开始时间", 17),
    ("服务结束时间", 17),
    ("服务时长(小时)", 13),
    ("服务地点", 22),
    ("服务对象", 16),
    ("服务内容", 36),
    ("活动负责人", 11),
    ("记录人", 12),
    ("评价情况", 9),
    ("备注", 18),
)
#: the metrics of a monthly report's summary sheet and a roll-up's rows: (header, field, format)
METRIC_COLUMNS: tuple[tuple[str, str, str | None], ...] = (
    ("在册志愿者", "volunteers", None),
    ("活跃志愿者", "active_volunteers", None),
    ("活跃率", "active_rate", PERCENT),
    ("骨干", "backbone", None),
    ("骨干占比", "backbone_ratio", PERCENT),
    ("已核验时长(小时)", "verified_hours", HOURS),
    ("未核验时长(小时)", "unverified_hours", HOURS),
    ("服务总时长(小时)", "hours", HOURS),
    ("服务记录数", "records", None),
    ("评价数", "ratings", None),
    ("平均满意度", "satisfaction", "0.00"),
    ("抽查已结论", "audits_decided", None),
    ("抽查确认", "audits_confirmed", None),
    ("抽查调整", "audits_adjusted", None),
    ("抽查不予认定", "audits_rejected", None),
    ("抽查待结论", "audits_open", None),
    ("抽查通过率", "audit_pass_rate", PERCENT),
)
STAR_HEADERS = ("无星级", "一星", "二星", "三星", "四星", "五星")
TIER_LABELS = {"volunteer": "志愿者", "backbone": "骨干", "reserve": "储备"}
BREAKDOWN_HEADERS = (
    ("服务记录数", 11),
    ("参与志愿者", 11),
    ("已核验时长(小时)", 16),
    ("未核验时长(小时)", 16),
    ("总时长(小时)", 13),
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def attachment(ascii_name: str, name: str) -> dict[str, str]:
    """Content-Disposition with an ASCII fallback and the real (Chinese) name per RFC 5987/6266."""
    return {
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}",
        "Cache-Control": "no-store",
    }


class Sheet:
    """A write-only sheet: a bold header row frozen above the data, the widths given, typed cells."""

    def __init__(self, workbook: Workbook, title: str, columns: Sequence[tuple[str, int]]) -> None:
        self.sheet: WriteOnlyWorksheet = workbook.create_sheet(title)
        for position, (_, width) in enumerate(columns, start=1):
            self.sheet.column_dimensions[get_column_letter(position)].width = width
        self.sheet.freeze_panes = "A2"
        self.bold = Font(bold=True)
        self.append([header for header, _ in columns], bold=True)

    def append(self, values: Iterable[Any], formats: Sequence[str | None] = (), bold: bool = False) -> None:
        self.sheet.append(
            [
                self._cell(value, formats[index] if index < len(formats) else None, bold)
                for index, value in enumerate(values)
            ]
        )

    def _cell(self, value: Any, number_format: str | None, bold: bool) -> WriteOnlyCell:
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value) or None
        cell = WriteOnlyCell(self.sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # text that starts with "=" stays text
        elif isinstance(value, datetime):
            cell.number_format = DATETIME
        elif isinstance(value, date):
            cell.number_format = "yyyy-mm-dd"
        elif isinstance(value, Decimal):
            cell.number_format = number_format or HOURS
        elif number_format and value is not None:
            cell.number_format = number_format
        if bold:
            cell.font = self.bold
        return cell


def monthly_workbook(report: CommitteeMonthly) -> bytes:
    workbook = Workbook(write_only=True)
    summary = Sheet(
        workbook,
        "月报概况",
        (
            ("指标", 20),
            (f"本月（{report.month}）", 16),
            (f"上月（{report.previous.month}）", 16),
            ("环比变化", 12),
        ),
    )
    summary.append(["居民区", report.committee.name])
    now, before = report.metrics, report.previous.metrics
    for header, name, number_format in METRIC_COLUMNS:
        current, previous = getattr(now, name), getattr(before, name)
        difference = None if current is None or previous is None else current - previous
        summary.append(
            [header, current, previous, difference], (None, number_format, number_format, number_format)
        )
    for stars, header in enumerate(STAR_HEADERS):
        # star levels are today's, not the month's: one column
        summary.append([f"{header}志愿者（当前）", now.star_distribution[stars].volunteers])
    summary.append(["台账核对：已核验时长", report.tallied.verified_hours, None, None], (None, HOURS))
    summary.append(["台账核对：未核验时长", report.tallied.unverified_hours, None, None], (None, HOURS))
    summary.append(["台账核对：是否一致", "一致" if report.tallied.agrees else "不一致（待入账或待核对）"])

    ranking = Sheet(
        workbook,
        "志愿者排行",
        (("排名", 6), ("姓名", 12), ("层级", 8), ("星级", 6), *BREAKDOWN_HEADERS[:1], *BREAKDOWN_HEADERS[2:]),
    )
    for place, volunteer in enumerate(report.top_volunteers, start=1):
        ranking.append(
            [
                place,
                volunteer.name,
                TIER_LABELS.get(volunteer.tier or "", volunteer.tier),
                volunteer.stars,
                volunteer.records,
                volunteer.verified_hours,
                volunteer.unverified_hours,
                volunteer.hours,
            ]
        )
    _breakdown_sheet(workbook, "项目时长", "服务项目", report.projects)
    _breakdown_sheet(workbook, "网格时长", "网格", report.grids)
    _breakdown_sheet(workbook, "活动类型", "活动类型", report.activity_kinds)
    return _saved(workbook)


def rollup_workbook(report: Rollup) -> bytes:
    workbook = Workbook(write_only=True)
    columns = (
        ("镇/街道", 14),
        ("居民区", 16),
        *((header, max(9, len(header) * 2 + 1)) for header, _, _ in METRIC_COLUMNS),
        *((header, 7) for header in STAR_HEADERS),
    )
    summary = Sheet(workbook, "汇总", columns)
    town_names = {town.id: town.name for town in report.towns}
    by_town: dict[Any, list[RollupRow]] = {}
    for row in report.committees:
        by_town.setdefault(row.parent_id if row.parent_id in town_names else None, []).append(row)
    for town in report.towns:
        for row in by_town.get(town.id, []):
            summary.append(*_rollup_values(town.name, row.name, row))
        summary.append(*_rollup_values(town.name, "小计", town), bold=True)
    for row in by_town.get(None, []):
        summary.append(*_rollup_values(None, row.name, row))
    summary.append(*_rollup_values("合计", None, report.total), bold=True)

    months = Sheet(workbook, "月度时长", (("月份", 10), *BREAKDOWN_HEADERS[:1], *BREAKDOWN_HEADERS[2:]))
    for point in report.total.series:
        months.append([point.month, point.records, point.verified_hours, point.unverified_hours, point.hours])
    return _saved(workbook)


def national_workbook(rows: Iterable[Sequence[Any]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = Sheet(workbook, "志愿服务记录", NATIONAL_COLUMNS)
    for row in rows:
        sheet.append(row)
    return _saved(workbook)


def national_csv(rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header for header, _ in NATIONAL_COLUMNS)
    for row in rows:
        writer.writerow(_csv_value(value) for value in row)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _breakdown_sheet(workbook: Workbook, title: str, header: str, rows: list[BreakdownRow]) -> None:
    sheet = Sheet(workbook, title, ((header, 24), *BREAKDOWN_HEADERS))
    for row in rows:
        sheet.append(
            [row.name, row.records, row.volunteers, row.verified_hours, row.unverified_hours, row.hours]
        )


def _rollup_values(
    town: str | None, committee: str | None, row: RollupRow
) -> tuple[list[Any], list[str | None]]:
    metrics: Metrics = row.metrics
    values = [town, committee, *(getattr(metrics, name) for _, name, _ in METRIC_COLUMNS)]
    values += [count.volunteers for count in metrics.star_distribution]
    formats = [None, None, *(number_format for _, _, number_format in METRIC_COLUMNS)]
    return values, formats


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    text = str(value)
    # a spreadsheet would run text starting like a formula; a leading apostrophe keeps it text
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _saved(workbook: Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
