"""Roll-up reports of the caller's subtree: every committee's metrics with its town's subtotal and the total,
hours over time, the committees side by side, residents' satisfaction, and the roll-up as an .xlsx."""

from __future__ import annotations

import calendar
import json
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from linli_portal.dependencies import ApiDep, AreaUser
from linli_portal.i18n import gettext as _
from linli_portal.months import month_label, months_back
from linli_portal.templating import pass_through, render
from linli_shared.clock import Now, local_date

router = APIRouter(prefix="/d/{slug}/reports")
DEFAULT_MONTHS = 12
VERIFIED_COLOUR, UNVERIFIED_COLOUR = "#b3261e", "#e0a39f"


def _range(now: datetime, first: str, last: str) -> dict[str, str]:
    """The months asked, or the twelve to this one; evaluation checks the months (and answers 422)."""
    default = months_back(local_date(now), DEFAULT_MONTHS)
    return {"from": first.strip() or default[0], "to": last.strip() or default[-1]}


@router.get("")
def rollup_report(
    request: Request,
    user: AreaUser,
    api: ApiDep,
    now: Now,
    first: Annotated[str, Query(alias="from", max_length=7)] = "",
    last: Annotated[str, Query(alias="to", max_length=7)] = "",
) -> Response:
    months = _range(now, first, last)
    rollup = api.evaluation.get("/v1/reports/rollup", **months)
    # the roll-up has checked the months: they are real months now
    year, month = (int(part) for part in rollup["to_month"].split("-"))
    served_to = date(year, month, calendar.monthrange(year, month)[1])
    satisfaction = api.evaluation.get(
        "/v1/satisfaction", **{"from": f"{rollup['from_month']}-01", "to": served_to.isoformat()}
    )
    return render(
        request,
        "district/reports.html",
        section="reports",
        rollup=rollup,
        groups=_grouped(rollup),
        satisfaction=satisfaction,
        months=months,
        hours_chart=json.dumps(_hours_chart(rollup), ensure_ascii=False),
        comparison_chart=json.dumps(_comparison_chart(rollup), ensure_ascii=False),
    )


@router.get("/rollup.xlsx")
def rollup_workbook(
    request: Request,
    user: AreaUser,
    api: ApiDep,
    now: Now,
    first: Annotated[str, Query(alias="from", max_length=7)] = "",
    last: Annotated[str, Query(alias="to", max_length=7)] = "",
) -> Response:
    return pass_through(api.evaluation.download("/v1/reports/rollup.xlsx", **_range(now, first, last)))


def _grouped(rollup: dict[str, Any]) -> list[tuple[dict[str, Any] | None, list[dict[str, Any]]]]:
    """Each town's committees followed by the town's subtotal; committees of no town listed (a town admin's
    own town is one of the towns, so this is rare) come last, without a subtotal."""
    groups: list[tuple[dict[str, Any] | None, list[dict[str, Any]]]] = [
        (town, [row for row in rollup["committees"] if row["parent_id"] == town["id"]])
        for town in rollup["towns"]
    ]
    town_ids = {town["id"] for town in rollup["towns"]}
    loose = [row for row in rollup["committees"] if row["parent_id"] not in town_ids]
    if loose:
        groups.append((None, loose))
    return groups


def _hours_chart(rollup: dict[str, Any]) -> dict[str, Any]:
    series = rollup["total"]["series"]
    return {
        "type": "bar",
        "labels": [month_label(row["month"]) for row in series],
        "datasets": [
            {
                "label": _("Verified hours"),
                "data": [row["verified_hours"] for row in series],
                "backgroundColor": VERIFIED_COLOUR,
            },
            {
                "label": _("Unverified hours"),
                "data": [row["unverified_hours"] for row in series],
                "backgroundColor": UNVERIFIED_COLOUR,
            },
        ],
        "options": {"scales": {"x": {"stacked": True}, "y": {"stacked": True}}},
    }


def _comparison_chart(rollup: dict[str, Any]) -> dict[str, Any]:
    rows = rollup["committees"]
    return {
        "type": "bar",
        "labels": [row["name"] for row in rows],
        "datasets": [
            {
                "label": _("Verified hours"),
                "data": [row["metrics"]["verified_hours"] for row in rows],
                "backgroundColor": VERIFIED_COLOUR,
            },
            {
                "label": _("Unverified hours"),
                "data": [row["metrics"]["unverified_hours"] for row in rows],
                "backgroundColor": UNVERIFIED_COLOUR,
            },
        ],
        "options": {"indexAxis": "y", "scales": {"x": {"stacked": True}, "y": {"stacked": True}}},
    }
