"""The district's (or town's) front page: how far each committee below has come with the programme —
staff onboarded, volunteers on the register, a first service recorded, a first spot check decided."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from linli_portal.dependencies import Api, ApiDep, AreaUser
from linli_portal.district.common import subtree
from linli_portal.months import months_back
from linli_portal.templating import render
from linli_shared.clock import Now, local_date

router = APIRouter(prefix="/d/{slug}")
#: "ever" as far as the services will look back in one report (evaluation's longest roll-up)
LOOKBACK_MONTHS = 24


@dataclass(frozen=True)
class CommitteeRollout:
    committee: dict[str, Any]
    town: str
    admins: int
    staff: int
    volunteers: int
    records: int
    audit_plans: int
    audits_decided: int

    @property
    def onboarded(self) -> bool:
        return self.admins > 0

    @property
    def imported(self) -> bool:
        return self.volunteers > 0

    @property
    def first_shift(self) -> bool:
        return self.records > 0

    @property
    def audited(self) -> bool:
        return self.audits_decided > 0

    @property
    def complete(self) -> bool:
        return self.onboarded and self.imported and self.first_shift and self.audited


@router.get("/")
def rollout(request: Request, user: AreaUser, api: ApiDep, now: Now) -> Response:
    today = local_date(now)
    months = months_back(today, LOOKBACK_MONTHS)
    nodes = subtree(api)
    towns = {node["id"]: node["name"] for node in nodes if node["kind"] == "town"}
    # one roll-up and one audit report cover every committee; only the staff need a call per committee
    rollup = api.evaluation.get("/v1/reports/rollup", **{"from": months[0], "to": months[-1]})
    metrics = {row["id"]: row["metrics"] for row in rollup["committees"]}
    audit_report = api.evaluation.get(
        "/v1/audit-reports", **{"from": f"{months[0]}-01", "to": today.isoformat()}
    )
    audits = {row["committee_id"]: row for row in audit_report["committees"]}
    rows = [
        _rollout(api, node, towns.get(node["parent_id"], ""), metrics.get(node["id"]), audits.get(node["id"]))
        for node in nodes
        if node["kind"] == "committee"
    ]
    rows.sort(key=lambda row: (row.town, row.committee["name"]))
    totals = {
        "onboarded": sum(row.onboarded for row in rows),
        "imported": sum(row.imported for row in rows),
        "first_shift": sum(row.first_shift for row in rows),
        "audited": sum(row.audited for row in rows),
        "complete": sum(row.complete for row in rows),
        "volunteers": sum(row.volunteers for row in rows),
    }
    return render(
        request,
        "district/rollout.html",
        section="rollout",
        rows=rows,
        totals=totals,
        since=date.fromisoformat(f"{months[0]}-01"),
    )


def _rollout(
    api: Api, node: dict[str, Any], town: str, metrics: dict[str, Any] | None, audits: dict[str, Any] | None
) -> CommitteeRollout:
    members = api.identity.get(f"/v1/tenants/{node['id']}/memberships")
    roles = [member["role"] for member in members]
    # a committee created a moment ago is not in evaluation's copy of the tree yet: nothing recorded there
    return CommitteeRollout(
        committee=node,
        town=town,
        admins=roles.count("tenant_admin"),
        staff=roles.count("staff"),
        volunteers=metrics["volunteers"] if metrics else 0,
        records=metrics["records"] if metrics else 0,
        audit_plans=audits["plans"] if audits else 0,
        audits_decided=audits["decided"] if audits else 0,
    )
