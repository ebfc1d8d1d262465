"""Reports: the committee's monthly report (metrics, the change from last month, who served most, hours per
project, grid and kind of activity, charts), its spreadsheets passed through as evaluation makes them, and
the volunteers' scores (动态评估) and star levels."""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import Response

from linli_portal.dependencies import Api, ApiDep, CommitteeUser, portal_router
from linli_portal.i18n import gettext as _
from linli_portal.months import month_label, months_back
from linli_portal.sessions import flash
from linli_portal.templating import pass_through, render, see_other
from linli_shared.clock import Now, local_date

router = portal_router(prefix="/t/{slug}/reports", tags=["reports"])

MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
#: a month, or nothing for this month
MaybeMonth = Annotated[str, Query(pattern=r"^(\d{4}-(0[1-9]|1[0-2]))?$")]
Month = Annotated[str, Query(pattern=MONTH)]
FromMonth = Annotated[str, Query(alias="from", pattern=MONTH)]
Cursor = Annotated[str, Query(max_length=400)]
BRAND, BRAND_LIGHT = "#b3261e", "#e0a39f"


def _hours_chart(series: list[dict[str, Any]]) -> str:
    """Verified and unverified hours stacked, month by month (the dashboard's chart, for the chosen month)."""
    return json.dumps(
        {
            "type": "bar",
            "labels": [month_label(row["month"]) for row in series],
            "datasets": [
                {
                    "label": _("Verified hours"),
                    "data": [row["verified_hours"] for row in series],
                    "backgroundColor": BRAND,
                },
                {
                    "label": _("Unverified hours"),
                    "data": [row["unverified_hours"] for row in series],
                    "backgroundColor": BRAND_LIGHT,
                },
            ],
            "options": {"scales": {"x": {"stacked": True}, "y": {"stacked": True}}},
        },
        ensure_ascii=False,
    )


def _project_chart(projects: list[dict[str, Any]]) -> str:
    return json.dumps(
        {
            "type": "bar",
            "labels": [row["name"] or _("No project") for row in projects],
            "datasets": [
                {"label": _("Hours"), "data": [row["hours"] for row in projects], "backgroundColor": BRAND}
            ],
            "options": {"indexAxis": "y"},
        },
        ensure_ascii=False,
    )


@router.get("")
def monthly(request: Request, user: CommitteeUser, api: ApiDep, now: Now, month: MaybeMonth = "") -> Response:
    this_month = local_date(now).strftime("%Y-%m")
    month = month or this_month
    report = api.evaluation.get("/v1/reports/committee-monthly", month=month)
    year, number = (int(part) for part in month.split("-"))
    months = months_back(date(year, number, 1), 12)
    rollup = api.evaluation.get("/v1/reports/rollup", **{"from": months[0], "to": months[-1]})
    return render(
        request,
        "reports/monthly.html",
        section="reports",
        month=month,
        this_month=this_month,
        report=report,
        hours_chart=_hours_chart(rollup["total"]["series"]),
        project_chart=_project_chart(report["projects"]) if report["projects"] else None,
    )


@router.get("/monthly.xlsx")
def monthly_xlsx(request: Request, user: CommitteeUser, api: ApiDep, month: Month) -> Response:
    return pass_through(api.evaluation.download("/v1/reports/committee-monthly.xlsx", month=month))


def _national_export(api: Api, extension: str, from_: str, to: str) -> Response:
    """The months' records for the national platform, as evaluation writes them (.xlsx or .csv)."""
    return pass_through(
        api.evaluation.download(f"/v1/reports/national-export.{extension}", **{"from": from_, "to": to})
    )


@router.get("/national-export.xlsx")
def national_xlsx(
    request: Request, user: CommitteeUser, api: ApiDep, from_: FromMonth, to: Month
) -> Response:
    return _national_export(api, "xlsx", from_, to)


@router.get("/national-export.csv")
def national_csv(request: Request, user: CommitteeUser, api: ApiDep, from_: FromMonth, to: Month) -> Response:
    return _national_export(api, "csv", from_, to)


# scores and stars ---------------------------------------------------------------------------------------


@router.get("/scores")
def scores(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    order: Annotated[str, Query(pattern="^(desc|asc)$")] = "desc",
    cursor: Cursor = "",
) -> Response:
    return render(
        request,
        "reports/scores.html",
        section="reports",
        page=api.evaluation.get("/v1/scores", order=order, cursor=cursor, limit=50),
        weights=api.evaluation.get("/v1/score-weights"),
        order=order,
    )


@router.post("/scores/recompute")
def recompute_scores(request: Request, user: CommitteeUser, api: ApiDep) -> Response:
    done = api.evaluation.post("/v1/scores/recompute")
    flash(request, _("Scores recomputed for %(count)s volunteers.", count=done["volunteers"]))
    return see_other(f"/t/{user.slug}/reports/scores")


@router.get("/scores/{volunteer_id}")
def volunteer_score(request: Request, user: CommitteeUser, api: ApiDep, volunteer_id: uuid.UUID) -> Response:
    return render(
        request,
        "reports/score.html",
        section="reports",
        score=api.evaluation.get(f"/v1/volunteers/{volunteer_id}/score"),
    )


@router.get("/stars")
def star_levels(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    stars: Annotated[int | None, Query(ge=0, le=5)] = None,
) -> Response:
    return render(
        request,
        "reports/stars.html",
        section="reports",
        levels=api.evaluation.get("/v1/star-levels", stars=stars),
        policy=api.evaluation.get("/v1/star-policy"),
        stars=stars,
    )
