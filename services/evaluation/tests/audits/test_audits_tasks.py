"""Audit tasks: each auditor sees and decides only their own; a decision moves the record's hours through
the ledger exactly once and the tallies follow; the last decision completes the plan."""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from linli_evaluation.audits.models import AuditPlan, AuditTask
from linli_evaluation.facts.models import RecordFact
from linli_evaluation.ledger.models import LedgerEntry, Scope, Tally
from linli_evaluation.ledger.tallying import apply_pending
from linli_shared.tenancy import Role, TenantContext

pytestmark = pytest.mark.integration

COMPLETED = "linli.evaluation.audit.completed.v1"
EVIDENCE = "电话回访服务对象并核对签到照片，情况属实。"


def service_context(tenant) -> TenantContext:
    return TenantContext(tenant_id=tenant.id, tenant_path=tenant.path, role=Role.SERVICE, subject="test")


class Audit:
    """A drawn November plan of committee A with three tasks: a late entry (2 h, unverified), a leader's
    record (2 h, verified) and a self-reported one (3 h, unverified), dealt to two auditors in turn."""

    def __init__(self, plan_id: str, tasks: dict[str, AuditTask], logins: dict[uuid.UUID, dict]) -> None:
        self.plan_id = plan_id
        self.tasks = tasks
        self.logins = logins

    def task(self, name: str) -> AuditTask:
        return self.tasks[name]

    def owner(self, name: str) -> dict:
        """The headers of the auditor the task is dealt to."""
        return self.logins[self.tasks[name].auditor_id]

    def other(self, name: str) -> dict:
        """The headers of the other auditor."""
        return next(
            headers for user_id, headers in self.logins.items() if user_id != self.tasks[name].auditor_id
        )


@pytest.fixture
def audit(api, committee, login, stand, serve, auditor, second_auditor, evaluation_database) -> Audit:
    records = {
        "late": serve(committee.tenant, late_entry=True),
        "leader": serve(committee.tenant),
        "self": serve(committee.tenant, hours=3.0, self_reported=True),
    }
    stand(date(2026, 11, 2))
    plan = api.post(
        "/v1/audit-plans",
        json={"period_start": "2026-11-01", "period_end": "2026-11-30"},
        headers=login("staff"),
    ).json()
    auditors = [str(auditor.user_id), str(second_auditor.user_id)]
    api.put(f"/v1/audit-plans/{plan['id']}/auditors", json={"auditor_ids": auditors}, headers=login("staff"))
    stand(date(2026, 12, 1))
    drawn = api.post(f"/v1/audit-plans/{plan['id']}/draw", headers=login("staff"))
    assert drawn.json()["sample_size"] == 3, drawn.text
    with evaluation_database.transaction(service_context(committee.tenant)) as session:
        by_record = {
            task.record_id: task
            for task in session.scalars(select(AuditTask).where(AuditTask.plan_id == uuid.UUID(plan["id"])))
        }
    stand(date(2026, 12, 8))
    return Audit(
        plan["id"],
        {name: by_record[record_id] for name, record_id in records.items()},
        {auditor.user_id: auditor.headers, second_auditor.user_id: second_auditor.headers},
    )


def entries(database, tenant, record_id) -> list[LedgerEntry]:
    with database.transaction(service_context(tenant)) as session:
        return list(
            session.scalars(
                select(LedgerEntry)
                .where(LedgerEntry.record_id == record_id)
                .order_by(LedgerEntry.created_at, LedgerEntry.kind)
            )
        )


def record_fact(database, tenant, record_id) -> RecordFact:
    with database.transaction(service_context(tenant)) as session:
        return session.get(RecordFact, (tenant.id, record_id))


def stored_task(database, tenant, task_id) -> AuditTask:
    with database.transaction(service_context(tenant)) as session:
        return session.get(AuditTask, (tenant.id, task_id))


def decide(api, audit, name, body, headers=None):
    return api.post(
        f"/v1/audit-tasks/{audit.task(name).id}/outcome", json=body, headers=headers or audit.owner(name)
    )


def test_each_auditor_sees_only_their_own_tasks(api, audit, login, auditor, second_auditor):
    mine = api.get("/v1/audit-tasks", headers=auditor.headers).json()["items"]
    theirs = api.get("/v1/audit-tasks", headers=second_auditor.headers).json()["items"]
    assert {task["auditor_id"] for task in mine} == {str(auditor.user_id)}
    assert {task["auditor_id"] for task in theirs} == {str(second_auditor.user_id)}
    assert sorted([len(mine), len(theirs)]) == [1, 2]
    for name in ("late", "leader", "self"):
        task_id = audit.task(name).id
        own = api.get(f"/v1/audit-tasks/{task_id}", headers=audit.owner(name))
        assert own.status_code == 200
        assert own.json()["record"]["activity_name"] == "平安巡逻"
        other = api.get(f"/v1/audit-tasks/{task_id}", headers=audit.other(name))
        assert other.status_code == 404
        assert other.json()["type"].endswith("/audit-task-not-found")
    for role in ("staff", "tenant_admin", "town_admin", "district_admin"):
        assert len(api.get("/v1/audit-tasks", headers=login(role)).json()["items"]) == 3, role
        assert api.get(f"/v1/audit-tasks/{audit.task('late').id}", headers=login(role)).status_code == 200


def test_another_committee_sees_no_task(api, audit, login):
    for role in ("sibling_admin", "other_town_admin"):
        assert api.get("/v1/audit-tasks", headers=login(role)).json()["items"] == []
        assert api.get(f"/v1/audit-tasks/{audit.task('late').id}", headers=login(role)).status_code == 404
    assert api.get("/v1/audit-tasks", headers=login("volunteer")).status_code == 403


def test_tasks_filter_and_page(api, audit, login):
    staff = login("staff")
    first = api.get(f"/v1/audit-tasks?plan_id={audit.plan_id}&limit=2", headers=staff).json()
    rest = api.get(f"/v1/audit-tasks?limit=2&cursor={first['next_cursor']}", headers=staff).json()
    assert len(first["items"]) == 2
    assert len(rest["items"]) == 1
    assert rest["next_cursor"] is None
    assert api.get(f"/v1/audit-tasks?plan_id={uuid.uuid4()}", headers=staff).json()["items"] == []
    decide(api, audit, "leader", {"outcome": "confirmed", "evidence": EVIDENCE})
    confirmed = api.get("/v1/audit-tasks?outcome=confirmed", headers=staff).json()["items"]
    assert [task["id"] for task in confirmed] == [str(audit.task("leader").id)]
    assert len(api.get("/v1/audit-tasks?outcome=open", headers=staff).json()["items"]) == 2
    assert api.get("/v1/audit-tasks?outcome=maybe", headers=staff).status_code == 422
    assert api.get("/v1/audit-tasks?cursor=xyz", headers=staff).status_code == 422


def test_confirming_a_late_entry_makes_its_hours_verified(
    api, audit, committee, evaluation_database, published
):
    response = decide(api, audit, "late", {"outcome": "confirmed", "evidence": EVIDENCE})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["outcome"], body["hours_before"], body["hours_after"]) == ("confirmed", 2.0, 2.0)
    assert body["evidence"] == EVIDENCE
    assert body["record"]["verified"] is True

    record_id = audit.task("late").record_id
    recorded, confirmed = entries(evaluation_database, committee.tenant, record_id)
    assert (recorded.kind, recorded.unverified_delta) == ("recorded", Decimal(2))
    assert confirmed.kind == "audit_confirmed"
    assert confirmed.source_id == audit.task("late").id
    assert (confirmed.verified_delta, confirmed.unverified_delta) == (Decimal(2), Decimal(-2))
    fact = record_fact(evaluation_database, committee.tenant, record_id)
    assert (fact.hours, fact.verified, fact.voided) == (Decimal(2), True, False)

    [event] = published(committee.tenant, COMPLETED)
    assert event["subject"] == str(audit.task("late").volunteer_id)
    assert event["data"]["outcome"] == "confirmed"
    assert event["data"]["record_id"] == str(record_id)
    assert (event["data"]["hours_before"], event["data"]["hours_after"]) == (2.0, 2.0)
    assert event["data"]["decided_on"] == "2026-12-08"


def test_an_adjustment_books_the_difference(api, audit, committee, evaluation_database):
    response = decide(api, audit, "self", {"outcome": "adjusted", "hours": 1.5, "evidence": EVIDENCE})
    assert response.status_code == 200, response.text
    assert (response.json()["hours_before"], response.json()["hours_after"]) == (3.0, 1.5)
    record_id = audit.task("self").record_id
    adjusted = entries(evaluation_database, committee.tenant, record_id)[-1]
    assert adjusted.kind == "audit_adjusted"
    assert (adjusted.verified_delta, adjusted.unverified_delta) == (Decimal("1.5"), Decimal(-3))
    fact = record_fact(evaluation_database, committee.tenant, record_id)
    assert (fact.hours, fact.verified) == (Decimal("1.5"), True)


def test_a_rejection_takes_the_hours_away(api, audit, committee, evaluation_database):
    response = decide(api, audit, "leader", {"outcome": "rejected", "evidence": "服务对象称当天无人上门。"})
    assert response.status_code == 200, response.text
    record_id = audit.task("leader").record_id
    rejected = entries(evaluation_database, committee.tenant, record_id)[-1]
    assert rejected.kind == "audit_rejected"
    assert (rejected.verified_delta, rejected.unverified_delta) == (Decimal(-2), Decimal(0))
    fact = record_fact(evaluation_database, committee.tenant, record_id)
    assert (fact.hours, fact.voided) == (Decimal(0), True)


def test_the_tallies_follow_the_decisions(api, audit, committee, evaluation_database):
    def november() -> tuple[Decimal, Decimal]:
        apply_pending(evaluation_database, committee.id, committee.path, date(2026, 12, 8))
        with evaluation_database.transaction(service_context(committee.tenant)) as session:
            tally = session.get(Tally, (committee.id, Scope.COMMITTEE, committee.id, "m2026-11"))
            return tally.verified_hours, tally.unverified_hours

    assert november() == (Decimal(2), Decimal(5))
    decide(api, audit, "late", {"outcome": "confirmed", "evidence": EVIDENCE})
    decide(api, audit, "self", {"outcome": "adjusted", "hours": 2.25, "evidence": EVIDENCE})
    decide(api, audit, "leader", {"outcome": "rejected", "evidence": EVIDENCE})
    assert november() == (Decimal("4.25"), Decimal(0))


def test_a_decided_task_is_not_decided_again(api, audit, committee, evaluation_database, published):
    assert decide(api, audit, "late", {"outcome": "confirmed", "evidence": EVIDENCE}).status_code == 200
    for body in (
        {"outcome": "confirmed", "evidence": EVIDENCE},
        {"outcome": "rejected", "evidence": "改判"},
    ):
        again = decide(api, audit, "late", body)
        assert again.status_code == 409, again.text
        assert again.json()["type"].endswith("/audit-task-decided")
    assert len(entries(evaluation_database, committee.tenant, audit.task("late").record_id)) == 2
    assert len(published(committee.tenant, COMPLETED)) == 1


def test_the_last_decision_completes_the_plan(api, audit, login):
    for name in ("late", "leader"):
        decide(api, audit, name, {"outcome": "confirmed", "evidence": EVIDENCE})
        assert api.get(f"/v1/audit-plans/{audit.plan_id}", headers=login("staff")).json()["status"] == "drawn"
    decide(api, audit, "self", {"outcome": "confirmed", "evidence": EVIDENCE})
    plan = api.get(f"/v1/audit-plans/{audit.plan_id}", headers=login("staff")).json()
    assert plan["status"] == "completed"
    assert plan["tasks"] == {"open": 0, "confirmed": 3, "adjusted": 0, "rejected": 0}
    # a completed plan's auditors are settled
    body = {"auditor_ids": [str(uuid.uuid4())]}
    response = api.put(f"/v1/audit-plans/{audit.plan_id}/auditors", json=body, headers=login("staff"))
    assert response.status_code == 409


def test_only_the_assigned_auditor_decides(api, audit, login, committee, evaluation_database):
    other = decide(api, audit, "late", {"outcome": "confirmed", "evidence": EVIDENCE}, audit.other("late"))
    assert other.status_code == 404
    for role in ("staff", "tenant_admin", "town_admin", "volunteer", "sibling_admin"):
        response = decide(api, audit, "late", {"outcome": "confirmed", "evidence": EVIDENCE}, login(role))
        assert response.status_code == 403, role
    unknown = api.post(
        f"/v1/audit-tasks/{uuid.uuid4()}/outcome",
        json={"outcome": "confirmed", "evidence": EVIDENCE},
        headers=audit.owner("late"),
    )
    assert unknown.status_code == 404
    assert stored_task(evaluation_database, committee.tenant, audit.task("late").id).outcome == "open"
    assert len(entries(evaluation_database, committee.tenant, audit.task("late").record_id)) == 1


def test_an_unassigned_task_waits_for_an_auditor(
    api, committee, login, stand, serve, auditor, evaluation_database
):
    serve(committee.tenant)
    stand(date(2026, 11, 2))
    plan = api.post("/v1/audit-plans", json={}, headers=login("staff")).json()
    stand(date(2026, 12, 1))
    api.post(f"/v1/audit-plans/{plan['id']}/draw", headers=login("staff"))
    [task] = api.get(f"/v1/audit-tasks?plan_id={plan['id']}", headers=login("staff")).json()["items"]
    assert task["auditor_id"] is None
    assert api.get("/v1/audit-tasks", headers=auditor.headers).json()["items"] == []
    body = {"outcome": "confirmed", "evidence": EVIDENCE}
    assert (
        api.post(f"/v1/audit-tasks/{task['id']}/outcome", json=body, headers=auditor.headers).status_code
        == 404
    )


@pytest.mark.parametrize(
    "body",
    [
        {"outcome": "confirmed"},
        {"outcome": "confirmed", "evidence": ""},
        {"outcome": "confirmed", "evidence": "   "},
        {"outcome": "confirmed", "evidence": "x" * 2001},
        {"outcome": "confirmed", "evidence": "核实\x00"},
        {"outcome": "confirmed", "evidence": 42},
        {"outcome": "confirmed", "hours": 2, "evidence": EVIDENCE},
        {"outcome": "rejected", "hours": 0, "evidence": EVIDENCE},
        {"outcome": "adjusted", "evidence": EVIDENCE},
        {"outcome": "adjusted", "hours": 25, "evidence": EVIDENCE},
        {"outcome": "adjusted", "hours": -1, "evidence": EVIDENCE},
        {"outcome": "adjusted", "hours": 1.234, "evidence": EVIDENCE},
        {"outcome": "adjusted", "hours": "1.5", "evidence": EVIDENCE},
        {"outcome": "adjusted", "hours": True, "evidence": EVIDENCE},
        {"outcome": "open", "evidence": EVIDENCE},
        {"outcome": "approved", "evidence": EVIDENCE},
        {"evidence": EVIDENCE},
        {"outcome": "confirmed", "evidence": EVIDENCE, "auditor_id": str(uuid.uuid4())},
    ],
)
def test_a_bad_outcome_is_refused_and_nothing_is_written(
    api, audit, body, committee, evaluation_database, published
):
    response = decide(api, audit, "late", body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert stored_task(evaluation_database, committee.tenant, audit.task("late").id).outcome == "open"
    assert len(entries(evaluation_database, committee.tenant, audit.task("late").record_id)) == 1
    assert published(committee.tenant, COMPLETED) == []


def test_an_adjustment_to_the_same_hours_is_refused(api, audit, committee, evaluation_database):
    response = decide(api, audit, "late", {"outcome": "adjusted", "hours": 2, "evidence": EVIDENCE})
    assert response.status_code == 422
    assert response.json()["type"].endswith("/audit-hours-unchanged")
    assert len(entries(evaluation_database, committee.tenant, audit.task("late").record_id)) == 1


def test_a_record_voided_after_the_draw_can_only_be_rejected(api, audit, committee, evaluation_database):
    record_id = audit.task("late").record_id
    with evaluation_database.transaction(service_context(committee.tenant)) as session:
        session.execute(
            update(RecordFact).where(RecordFact.record_id == record_id).values(voided=True, hours=0)
        )
    confirmed = decide(api, audit, "late", {"outcome": "confirmed", "evidence": EVIDENCE})
    assert confirmed.status_code == 409
    assert confirmed.json()["type"].endswith("/audit-record-voided")
    rejected = decide(api, audit, "late", {"outcome": "rejected", "evidence": "记录已作废"})
    assert rejected.status_code == 200, rejected.text
    assert record_fact(evaluation_database, committee.tenant, record_id).voided is True


def test_decisions_record_the_hours_the_record_had_when_decided(api, audit, committee, evaluation_database):
    """Scheduling corrected the record after the draw: the decision replaces the corrected hours."""
    record_id = audit.task("late").record_id
    with evaluation_database.transaction(service_context(committee.tenant)) as session:
        session.execute(
            update(RecordFact).where(RecordFact.record_id == record_id).values(hours=Decimal("2.5"))
        )
    response = decide(api, audit, "late", {"outcome": "adjusted", "hours": 1, "evidence": EVIDENCE})
    assert (response.json()["hours_before"], response.json()["hours_after"]) == (2.5, 1.0)


def test_plans_status_counts(api, audit, login, evaluation_database, committee):
    with evaluation_database.transaction(service_context(committee.tenant)) as session:
        assert session.scalar(select(func.count()).select_from(AuditPlan)) == 1
    plan = api.get(f"/v1/audit-plans/{audit.plan_id}", headers=login("auditor")).json()
    assert plan["tasks"]["open"] == 3


def at_once(calls):
    """Every call in its own thread (its own request and transaction), all released together."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait(timeout=30)
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def test_the_same_decision_sent_twice_at_once_is_booked_once(
    api, audit, committee, evaluation_database, published
):
    body = {"outcome": "adjusted", "hours": 1, "evidence": EVIDENCE}
    responses = at_once([lambda: decide(api, audit, "self", body) for _ in range(4)])
    assert sorted(response.status_code for response in responses) == [200, 409, 409, 409]
    booked = entries(evaluation_database, committee.tenant, audit.task("self").record_id)
    assert [entry.kind for entry in booked] == ["recorded", "audit_adjusted"]
    assert len(published(committee.tenant, COMPLETED)) == 1


def test_the_last_decisions_taken_at_once_still_complete_the_plan(api, audit, login):
    body = {"outcome": "confirmed", "evidence": EVIDENCE}
    responses = at_once(
        [lambda name=name: decide(api, audit, name, body) for name in ("late", "leader", "self")]
    )
    assert [response.status_code for response in responses] == [200, 200, 200]
    assert api.get(f"/v1/audit-plans/{audit.plan_id}", headers=login("staff")).json()["status"] == "completed"
