"""Audit plans in the portal: this month's seed committed (its hash published), the sample drawn once the
month is over, the committee's auditors chosen, and the auditor's outcome moving the hours — all through
the portal's forms, checked against what evaluation holds."""

from datetime import UTC, date, datetime, time

import pytest

from linli_shared.clock import SHANGHAI

pytestmark = pytest.mark.integration


def ok(response, status: int = 200):
    assert response.status_code == status, response.text
    return response.json()


def moment(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI).astimezone(UTC)


def plan_of(services, login, plan_id):
    return ok(services["evaluation"].client.get(f"/v1/audit-plans/{plan_id}", headers=login("staff")))


def test_an_audit_from_the_committed_seed_to_the_auditors_adjustment(
    browse, world, enrol, serve_shift, settle, services, login, clock, auditor_id
):
    evaluation = services["evaluation"].client
    wang = enrol("王阿姨")
    settle()
    base = f"/t/{world.committee.slug}/audits"
    admin = browse("tenant_admin")

    # 5 October: the month's seed is committed before any of its records are final
    clock.at = moment(date(2026, 10, 5), 10)
    assert "随机抽查" in admin.get(base).text
    committed = admin.post(f"{base}/plans")
    assert committed.status_code == 303, committed.text
    plan_id = committed.headers["location"].rsplit("/", 1)[1]
    plan = plan_of(services, login, plan_id)
    assert (plan["period_start"], plan["period_end"], plan["status"]) == (
        "2026-10-01",
        "2026-10-31",
        "committed",
    )
    page = admin.get(committed.headers["location"])
    assert plan["seed_hash"] in page.text
    assert "抽样后公开" in page.text
    assert plan["seed_hash"][:16] in admin.get(base).text

    record_id = serve_shift(wang, date(2026, 10, 12))  # two hours
    settle()

    # 6 November (the month and its grace are over): the draw, then the auditors
    clock.at = moment(date(2026, 11, 6), 10)
    drawn = admin.post(f"{base}/plans/{plan_id}/draw")
    assert drawn.status_code == 303
    plan = plan_of(services, login, plan_id)
    assert plan["status"] == "drawn"
    assert plan["seed"]
    page = admin.get(f"{base}/plans/{plan_id}")
    assert plan["seed"] in page.text
    assert f'value="{auditor_id}"' in page.text
    assigned = admin.post(f"{base}/plans/{plan_id}/auditors", {"auditor_ids": [auditor_id]})
    assert assigned.status_code == 303
    [task] = ok(evaluation.get("/v1/audit-tasks", params={"plan_id": plan_id}, headers=login("staff")))[
        "items"
    ]
    assert (task["record_id"], task["auditor_id"]) == (record_id, auditor_id)

    # the auditor finds their task, reads the record it checks, and adjusts the hours
    auditor = browse("auditor")
    assert f"{base}/tasks/{task['id']}" in auditor.get(f"{base}/tasks").text
    page = auditor.get(f"{base}/tasks/{task['id']}")
    assert "被核查的服务记录" in page.text
    assert "王阿姨" in page.text
    assert "3号楼垃圾房" in page.text
    decided = auditor.post(
        f"{base}/tasks/{task['id']}/outcome",
        {"outcome": "adjusted", "hours": "1.5", "evidence": "电话回访服务对象，实际服务一个半小时"},
    )
    assert decided.status_code == 303, decided.text
    task = ok(evaluation.get(f"/v1/audit-tasks/{task['id']}", headers=login("staff")))
    assert (task["outcome"], task["hours_before"], task["hours_after"]) == ("adjusted", 2.0, 1.5)
    assert plan_of(services, login, plan_id)["status"] == "completed"

    # the ledger and the tallies follow
    ledger = ok(evaluation.get(f"/v1/records/{record_id}/ledger", headers=login("staff")))
    assert sum(e["verified_delta"] + e["unverified_delta"] for e in ledger) == 1.5
    settle()
    hours = ok(evaluation.get(f"/v1/volunteers/{wang}/hours", headers=login("staff")))
    [october] = [t for t in hours["tallies"] if t["period"] == "m2026-10"]
    assert october["verified_hours"] + october["unverified_hours"] == 1.5

    # anyone who reads the plan can check the draw
    verified = admin.get(f"{base}/plans/{plan_id}/verification")
    assert verified.status_code == 200
    assert "抽样核验通过" in verified.text
    assert plan["seed_hash"] in verified.text


def test_a_draw_before_the_month_ends_and_no_auditors_are_refused(
    browse, world, served_month, services, login, clock
):
    plan_id, _ = served_month
    base = f"/t/{world.committee.slug}/audits/plans/{plan_id}"
    admin = browse("tenant_admin")

    clock.at = moment(date(2026, 10, 31), 20)  # the month's last evening
    early = admin.post(f"{base}/draw")
    assert early.status_code == 409, early.text
    assert "form-error" in early.text
    assert "2026-10-31" in early.text
    assert admin.post(f"{base}/auditors", {}).status_code == 422
    assert admin.post(f"{base}/auditors", {"auditor_ids": ["not-a-person"]}).status_code == 400
    plan = plan_of(services, login, plan_id)
    assert (plan["status"], plan["seed"], plan["auditor_ids"]) == ("committed", None, [])


def test_another_committees_plans_do_not_exist(browse, world, served_month, services, login):
    plan_id, _ = served_month
    sibling = browse("sibling_admin")
    assert sibling.get(f"/t/{world.committee.slug}/audits").status_code == 404
    own = f"/t/{world.sibling.slug}/audits/plans/{plan_id}"
    assert sibling.get(own).status_code == 404
    assert sibling.get(f"{own}/verification").status_code == 404
    assert sibling.post(f"{own}/draw").status_code == 404
    assert plan_of(services, login, plan_id)["status"] == "committed"
