"""Audit reports: per committee in the caller's subtree — plans, decisions, pass rate, hours moved, the
auditors' findings and a monthly trend."""

import uuid
from datetime import date

import pytest
from sqlalchemy import select

from linli_evaluation.audits.models import AuditTask
from linli_shared.tenancy import Role, TenantContext

pytestmark = pytest.mark.integration


def service_context(tenant) -> TenantContext:
    return TenantContext(tenant_id=tenant.id, tenant_path=tenant.path, role=Role.SERVICE, subject="test")


@pytest.fixture
def audited(api, committee, login, stand, serve, auditor, evaluation_database) -> list[uuid.UUID]:
    """Committee A: October's plan with 3 tasks (confirmed, adjusted 3 → 1.5, rejected 2 → 0) and
    November's with 3 open tasks; the tasks' ids in that order."""
    task_ids = []
    for month, hours in ((10, (2.0, 3.0, 2.0)), (11, (2.0, 2.0, 2.0))):
        records = [serve(committee.tenant, on=date(2026, month, 5), hours=value) for value in hours]
        stand(date(2026, month, 1))
        plan = api.post("/v1/audit-plans", json={}, headers=login("staff")).json()
        body = {"auditor_ids": [str(auditor.user_id)]}
        api.put(f"/v1/audit-plans/{plan['id']}/auditors", json=body, headers=login("staff"))
        stand(date(2026, month + 1, 1))
        assert api.post(f"/v1/audit-plans/{plan['id']}/draw", headers=login("staff")).status_code == 200
        with evaluation_database.transaction(service_context(committee.tenant)) as session:
            by_record = {
                task.record_id: task.id
                for task in session.scalars(
                    select(AuditTask).where(AuditTask.plan_id == uuid.UUID(plan["id"]))
                )
            }
        task_ids += [by_record[record_id] for record_id in records]
    stand(date(2026, 11, 20))
    for task_id, body in zip(
        task_ids,
        (
            {"outcome": "confirmed", "evidence": "属实"},
            {"outcome": "adjusted", "hours": 1.5, "evidence": "实际服务一个半小时"},
            {"outcome": "rejected", "evidence": "服务对象不在家，无人上门"},
        ),
        strict=False,
    ):
        response = api.post(f"/v1/audit-tasks/{task_id}/outcome", json=body, headers=auditor.headers)
        assert response.status_code == 200, response.text
    return task_ids


def test_a_committees_report(api, audited, login, committee):
    response = api.get("/v1/audit-reports?from=2026-10-01&to=2026-11-30", headers=login("staff"))
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["from"], report["to"]) == ("2026-10-01", "2026-11-30")
    [own] = report["committees"]
    assert own["committee_id"] == str(committee.id)
    assert own["name"] == "甲居民区"
    assert (own["plans"], own["tasks"], own["decided"]) == (2, 6, 3)
    assert (own["confirmed"], own["adjusted"], own["rejected"]) == (1, 1, 1)
    assert own["pass_rate"] == pytest.approx(1 / 3, abs=1e-4)
    assert own["hours_moved"] == -3.5
    assert own["findings_total"] == 2
    assert {finding["evidence"] for finding in own["findings"]} == {
        "实际服务一个半小时",
        "服务对象不在家，无人上门",
    }
    adjusted = next(finding for finding in own["findings"] if finding["outcome"] == "adjusted")
    assert (adjusted["hours_before"], adjusted["hours_after"]) == (3.0, 1.5)
    assert adjusted["task_id"] == str(audited[1])
    assert adjusted["activity_name"] == "平安巡逻"
    october, november = own["trend"]
    assert october["month"] == "2026-10"
    assert (october["tasks"], october["decided"], october["pass_rate"]) == (3, 3, pytest.approx(0.3333))
    assert (november["month"], november["tasks"], november["decided"], november["pass_rate"]) == (
        "2026-11",
        3,
        0,
        None,
    )
    assert report["totals"]["tasks"] == 6
    assert [point["month"] for point in report["trend"]] == ["2026-10", "2026-11"]


def test_a_town_sees_its_committees_and_no_others(api, audited, login, world):
    town = api.get("/v1/audit-reports?from=2026-10-01&to=2026-11-30", headers=login("town_admin")).json()
    assert {row["committee_id"] for row in town["committees"]} == {
        str(world.committee.id),
        str(world.sibling.id),
    }
    sibling = next(row for row in town["committees"] if row["committee_id"] == str(world.sibling.id))
    assert (sibling["plans"], sibling["tasks"], sibling["pass_rate"], sibling["findings"]) == (0, 0, None, [])
    assert town["totals"]["decided"] == 3

    district = api.get(
        "/v1/audit-reports?from=2026-10-01&to=2026-11-30", headers=login("district_admin")
    ).json()
    assert len(district["committees"]) == 3

    other = api.get(
        "/v1/audit-reports?from=2026-10-01&to=2026-11-30", headers=login("other_town_admin")
    ).json()
    assert [row["committee_id"] for row in other["committees"]] == [str(world.far_committee.id)]
    assert other["totals"]["tasks"] == 0
    sibling_admin = api.get(
        "/v1/audit-reports?from=2026-10-01&to=2026-11-30", headers=login("sibling_admin")
    ).json()
    assert sibling_admin["totals"]["plans"] == 0


def test_the_range_selects_plans_by_the_month_they_start(api, audited, login):
    november = api.get("/v1/audit-reports?from=2026-11-01&to=2026-11-30", headers=login("staff")).json()
    assert november["totals"]["plans"] == 1
    assert november["totals"]["decided"] == 0
    assert november["committees"][0]["findings"] == []


def test_the_default_range_is_the_last_twelve_months(api, audited, login, stand):
    stand(date(2027, 3, 15))
    report = api.get("/v1/audit-reports", headers=login("staff")).json()
    assert (report["from"], report["to"]) == ("2026-04-01", "2027-03-15")
    assert len(report["trend"]) == 12
    assert report["totals"]["plans"] == 2


@pytest.mark.parametrize(
    "query",
    ["from=2026-12-01&to=2026-11-01", "from=2020-01-01&to=2026-11-01", "from=yesterday", "to=2026-13-01"],
)
def test_a_bad_range_is_refused(api, committee, login, query):
    response = api.get(f"/v1/audit-reports?{query}", headers=login("staff"))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"


def test_volunteers_do_not_read_audit_reports(api, committee, login):
    assert api.get("/v1/audit-reports", headers=login("volunteer")).status_code == 403
