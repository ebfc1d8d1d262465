"""A committee's portal front page: how the programme stands this month, and what needs doing."""

from __future__ import annotations

import json

from fastapi import Request
from fastapi.responses import Response

from linli_portal.dependencies import ApiDep, CommitteeUser, portal_router
from linli_portal.i18n import gettext as _
from linli_portal.months import month_label, months_back
from linli_portal.templating import render
from linli_shared.clock import Now, local_date

router = portal_router(prefix="/t/{slug}", tags=["committee"])


@router.get("/")
def dashboard(request: Request, user: CommitteeUser, api: ApiDep, now: Now) -> Response:
    today = local_date(now)
    this_month = today.strftime("%Y-%m")
    report = api.evaluation.get("/v1/reports/committee-monthly", month=this_month)
    months = months_back(today, 12)
    rollup = api.evaluation.get("/v1/reports/rollup", **{"from": months[0], "to": months[-1]})
    series = rollup["total"]["series"]
    chart = {
        "type": "bar",
        "labels": [month_label(row["month"]) for row in series],
        "datasets": [
            {
                "label": _("Verified hours"),
                "data": [row["verified_hours"] for row in series],
                "backgroundColor": "#b3261e",
            },
            {
                "label": _("Unverified hours"),
                "data": [row["unverified_hours"] for row in series],
                "backgroundColor": "#e0a39f",
            },
        ],
        "options": {"scales": {"x": {"stacked": True}, "y": {"stacked": True}}},
    }
    return render(
        request,
        "committee/dashboard.html",
        section="dashboard",
        month=this_month,
        metrics=report["metrics"],
        change=report["change"],
        top_volunteers=report["top_volunteers"][:5],
        gaps=api.roster.get("/v1/areas/coverage-gaps"),
        chart=json.dumps(chart, ensure_ascii=False),
    )
