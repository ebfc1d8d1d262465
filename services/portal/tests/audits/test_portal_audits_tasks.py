"""Auditors' tasks (督查员): each sees only the tasks dealt to them and decides only those; bad outcomes are
refused with nothing booked; staff see every task but decide none; the audit report shows what was found."""

import uuid

import pytest

pytestmark = pytest.mark.integration


def ok(response, status: int = 200):
    assert response.status_code == status, response.text
    return response.json()


def task_of(services, login, task_id):
    return ok(services["evaluation"].client.get(f"/v1/audit-tasks/{task_id}", headers=login("staff")))


def test_bad_outcomes_are_refused_and_nothing_is_booked(browse, world, drawn, services, login):
    _, tasks = drawn()
    task = tasks[0]
    outcome = f"/t/{world.committee.slug}/audits/tasks/{task['id']}/outcome"
    auditor = browse("auditor")

    no_hours = auditor.post(outcome, {"outcome": "adjusted", "hours": "", "evidence": "走访核实"})
    assert no_hours.status_code == 422
    assert "form-error" in no_hours.text
    assert "走访核实" in no_hours.text
    assert auditor.post(outcome, {"outcome": "confirmed", "evidence": ""}).status_code == 422
    assert (
        auditor.post(outcome, {"outcome": "adjusted", "hours": "lots", "evidence": "走访"}).status_code == 400
    )
    assert auditor.post(outcome, {"outcome": "approved", "evidence": "走访"}).status_code == 400
    assert task_of(services, login, task["id"])["outcome"] == "open"


def test_an_auditor_sees_and_decides_only_their_own_tasks(browse, world, drawn, services, login):
    # the plan's tasks go to another auditor of the committee
    _, tasks = drawn([str(uuid.uuid4())])
    base = f"/t/{world.committee.slug}/audits/tasks"
    auditor = browse("auditor")

    listing = auditor.get(base)
    assert listing.status_code == 200
    assert "抽查任务" in listing.text
    assert not any(task["id"] in listing.text for task in tasks)
    assert auditor.get(f"{base}/{tasks[0]['id']}").status_code == 404
    refused = auditor.post(f"{base}/{tasks[0]['id']}/outcome", {"outcome": "confirmed", "evidence": "看过了"})
    assert refused.status_code == 404
    assert task_of(services, login, tasks[0]["id"])["outcome"] == "open"

    # staff see every task, and the record it checks, but the outcome is the auditor's
    staff = browse("staff")
    listing = staff.get(base)
    assert all(task["id"] in listing.text for task in tasks)
    page = staff.get(f"{base}/{tasks[0]['id']}")
    assert page.status_code == 200
    assert "只有被分配该任务的督查员可以提交核查结果" in page.text
    assert "/outcome" not in page.text


def test_confirmed_and_rejected_tasks_make_the_report(browse, world, drawn, services, login):
    _, tasks = drawn()
    base = f"/t/{world.committee.slug}/audits"
    auditor = browse("auditor")
    confirm, reject = tasks
    assert (
        auditor.post(
            f"{base}/tasks/{confirm['id']}/outcome", {"outcome": "confirmed", "evidence": "现场照片属实"}
        )
    ).status_code == 303
    assert (
        auditor.post(
            f"{base}/tasks/{reject['id']}/outcome", {"outcome": "rejected", "evidence": "当天无人到场"}
        )
    ).status_code == 303
    assert task_of(services, login, reject["id"])["hours_after"] == 0.0

    report = browse("tenant_admin").get(f"{base}/reports?from=2026-01-01&to=2026-11-30")
    assert report.status_code == 200, report.text
    assert "通过率" in report.text
    assert "50" in report.text
    assert "当天无人到场" in report.text
    assert "现场照片属实" not in report.text, "findings are what failed"
    assert "data-chart=" in report.text
    assert "2026-10" in report.text
    assert browse("tenant_admin").get(f"{base}/reports?from=someday").status_code == 400

    decided = auditor.get(f"{base}/tasks/{confirm['id']}")
    assert "现场照片属实" in decided.text
    assert "/outcome" not in decided.text


def test_another_committees_tasks_do_not_exist(browse, world, drawn, services, login):
    _, tasks = drawn()
    sibling = browse("sibling_admin")
    assert sibling.get(f"/t/{world.committee.slug}/audits/tasks").status_code == 404
    assert sibling.get(f"/t/{world.committee.slug}/audits/reports").status_code == 404
    own = f"/t/{world.sibling.slug}/audits/tasks/{tasks[0]['id']}"
    assert sibling.get(own).status_code == 404
    assert sibling.post(f"{own}/outcome", {"outcome": "confirmed", "evidence": "看过了"}).status_code == 404
    assert tasks[0]["id"] not in sibling.get(f"/t/{world.sibling.slug}/audits/tasks?outcome=").text
    assert task_of(services, login, tasks[0]["id"])["outcome"] == "open"
