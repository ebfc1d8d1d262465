"""GET /v1/reports/…: a committee's monthly report, a town's or district's roll-up (JSON and .xlsx), and a
committee's records in the national volunteer system's layout (.xlsx and .csv)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from linli_evaluation.access import Reader
from linli_evaluation.reports.dependencies import CommitteeReader, MonthRange, OneMonth
from linli_evaluation.reports.exports import (
    CSV_MEDIA_TYPE,
    XLSX_MEDIA_TYPE,
    attachment,
    monthly_workbook,
    national_csv,
    national_workbook,
    rollup_workbook,
)
from linli_evaluation.reports.periods import label
from linli_evaluation.reports.schemas import CommitteeMonthly, Rollup
from linli_evaluation.reports.service import ReportService
from linli_shared.dependencies import ContextSession
from linli_shared.openapi import PROBLEM_RESPONSES

router = APIRouter(prefix="/v1/reports", tags=["reports"], responses=PROBLEM_RESPONSES)
CommitteeId = Annotated[
    uuid.UUID | None,
    Query(description="A town or district admin names the committee; a committee's people may leave it out"),
]
_XLSX: dict[int | str, dict[str, Any]] = {
    200: {"content": {XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}}}
}
_CSV: dict[int | str, dict[str, Any]] = {200: {"content": {CSV_MEDIA_TYPE: {"schema": {"type": "string"}}}}}


@router.get(
    "/committee-monthly",
    summary="A committee's month: its metrics, top volunteers, hours per project, grid and activity kind, "
    "and the change from the previous month",
)
def committee_monthly(
    month: OneMonth, context: Reader, session: ContextSession, committee_id: CommitteeId = None
) -> CommitteeMonthly:
    return ReportService(session, context).committee_monthly(month, committee_id)


@router.get(
    "/committee-monthly.xlsx",
    summary="The committee's monthly report as an .xlsx",
    response_class=Response,
    responses=_XLSX,
)
def committee_monthly_xlsx(
    month: OneMonth, context: Reader, session: ContextSession, committee_id: CommitteeId = None
) -> Response:
    report = ReportService(session, context).committee_monthly(month, committee_id)
    return Response(
        monthly_workbook(report),
        media_type=XLSX_MEDIA_TYPE,
        headers=attachment(
            f"committee-monthly-{report.month}.xlsx", f"{report.committee.name}-{report.month}-月报.xlsx"
        ),
    )


@router.get(
    "/rollup",
    summary="Every committee of the caller's town or district with its metrics, each town's subtotal, the "
    "total and a monthly hours series (a committee sees itself)",
)
def rollup(months: MonthRange, context: Reader, session: ContextSession) -> Rollup:
    return ReportService(session, context).rollup(months)


@router.get("/rollup.xlsx", summary="The roll-up as an .xlsx", response_class=Response, responses=_XLSX)
def rollup_xlsx(months: MonthRange, context: Reader, session: ContextSession) -> Response:
    report = ReportService(session, context).rollup(months)
    span = f"{report.from_month}-{report.to_month}"
    return Response(
        rollup_workbook(report),
        media_type=XLSX_MEDIA_TYPE,
        headers=attachment(f"rollup-{span}.xlsx", f"汇总报表-{span}.xlsx"),
    )


@router.get(
    "/national-export.xlsx",
    summary="The committee's service records in the national volunteer system's layout (.xlsx)",
    response_class=Response,
    responses=_XLSX,
)
def national_export_xlsx(months: MonthRange, context: CommitteeReader, session: ContextSession) -> Response:
    committee, rows = ReportService(session, context).national_records(months)
    span = f"{label(months.first)}-{label(months.last)}"
    return Response(
        national_workbook(rows),
        media_type=XLSX_MEDIA_TYPE,
        headers=attachment(f"service-records-{span}.xlsx", f"{committee.name}-志愿服务记录-{span}.xlsx"),
    )


@router.get(
    "/national-export.csv",
    summary="The committee's service records in the national volunteer system's layout (CSV, UTF-8 with BOM)",
    response_class=Response,
    responses=_CSV,
)
def national_export_csv(months: MonthRange, context: CommitteeReader, session: ContextSession) -> Response:
    committee, rows = ReportService(session, context).national_records(months)
    span = f"{label(months.first)}-{label(months.last)}"
    return Response(
        national_csv(rows),
        media_type=CSV_MEDIA_TYPE,
        headers=attachment(f"service-records-{span}.csv", f"{committee.name}-志愿服务记录-{span}.csv"),
    )
