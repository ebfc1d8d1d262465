"""Audit plans: the seed committed (its hash published) at the start of a period, the sample drawn from it
after the period, reproducibly — anyone reading the plan re-runs the draw and gets the same sample."""

import hashlib
import uuid
from datetime import date

import pytest
from sqlalchemy import func, select, update

from linli_evaluation.audits.models import AuditPlan, AuditTask
from linli_evaluation.facts.models import RecordFact
from linli_shared.tenancy import Role, TenantContext

pytestmark = pytest.mark.integration

COMMITTED = "linli.evaluation.audit_plan.committed.v1"
DRAWN = "linli.evaluation.audit_plan.drawn.v1"
NOVEMBER = {"period_start": "2026-11-01", "period_end": "2026-11-30"}
SORTING = (uuid.UUID("00000000-0000-4000-8000-00000000a002"), "垃圾分类值守")


def service_context(tenant) -> TenantContext:
    return TenantContext(tenant_id=tenant.id, tenant_path=tenant.path, role=Role.SERVICE, subject="test")


def count(database, tenant, model) -> int:
    with database.transaction(service_context(tenant)) as session:
        return session.scalar(select(func.count()).select_from(model).where(model.tenant_id == tenant.id))


def tasks_of(database, tenant, plan_id) -> list[AuditTask]:
    with database.transaction(service_context(tenant)) as session:
        return list(
            session.scalars(
                select(AuditTask).where(AuditTask.plan_id == uuid.UUID(plan_id)).order_by(AuditTask.record_id)
            )
        )


@pytest.fixture
def november(api, committee, login, stand) -> dict:
    """Committee A's plan for November 2026, committed by staff on 3 November."""
    stand(date(2026, 11, 3))
    response = api.post("/v1/audit-plans", json=NOVEMBER, headers=login("staff"))
    assert response.status_code == 201, response.text
    return response.json()


def test_a_plan_commits_to_its_seed_without_revealing_it(api, november, login, published, committee):
    assert november["status"] == "committed"
    assert november["seed"] is None
    assert len(november["seed_hash"]) == 64
    assert (november["period_start"], november["period_end"]) == ("2026-11-01", "2026-11-30")
    assert (november["rate"], november["min_count"]) == (0.05, 3)
    assert november["risk_weights"]["late_entry"] == 3
    assert november["tasks"] == {"open": 0, "confirmed": 0, "adjusted": 0, "rejected": 0}

    [event] = published(committee.tenant, COMMITTED)
    assert event["subject"] == november["id"]
    assert event["data"]["seed_hash"] == november["seed_hash"]
    assert "seed" not in event["data"]
    assert event["data"]["rate"] == 0.05
    assert event["data"]["algorithm"] == "linli-audit-draw/1"

    shown = api.get(f"/v1/audit-plans/{november['id']}", headers=login("auditor"))
    assert shown.status_code == 200
    assert shown.json()["seed"] is None


def test_committing_the_same_period_again_returns_the_same_plan(
    api, november, login, published, committee, evaluation_database
):
    again = api.post("/v1/audit-plans", json=NOVEMBER, headers=login("tenant_admin"))
    assert again.status_code == 200, again.text
    assert again.json()["id"] == november["id"]
    assert again.json()["seed_hash"] == november["seed_hash"]
    assert len(published(committee.tenant, COMMITTED)) == 1
    assert count(evaluation_database, committee.tenant, AuditPlan) == 1


def test_an_empty_body_commits_the_current_month(api, committee, login, stand):
    stand(date(2027, 2, 14))
    response = api.post("/v1/audit-plans", json={}, headers=login("staff"))
    assert response.status_code == 201, response.text
    assert (response.json()["period_start"], response.json()["period_end"]) == ("2027-02-01", "2027-02-28")


def test_the_policy_in_force_is_fixed_on_the_plan(api, committee, login, stand):
    body = {
        "rate": 0.25,
        "min_count": 1,
        "risk_weights": {"late_entry": 5, "self_reported": 0, "auto_closed": 0, "long": 0, "frequent": 0},
    }
    assert api.put("/v1/audit-policy", json=body, headers=login("town_admin")).status_code == 200
    stand(date(2026, 11, 3))
    plan = api.post("/v1/audit-plans", json=NOVEMBER, headers=login("staff")).json()
    assert (plan["rate"], plan["min_count"], plan["risk_weights"]["late_entry"]) == (0.25, 1, 5)
    # a later change applies to later plans only
    assert (
        api.put("/v1/audit-policy", json={**body, "rate": 0.5}, headers=login("town_admin")).status_code
        == 200
    )
    assert api.get(f"/v1/audit-plans/{plan['id']}", headers=login("staff")).json()["rate"] == 0.25


@pytest.mark.parametrize(
    ("body", "status", "slug"),
    [
        ({"period_start": "2026-10-01", "period_end": "2026-10-31"}, 422, "audit-period-ended"),
        ({"period_start": "2026-11-01", "period_end": "2027-11-30"}, 422, "audit-period-too-long"),
        ({"period_start": "2026-11-15", "period_end": "2026-12-15"}, 409, "audit-period-overlaps"),
        ({"period_start": "2026-11-01", "period_end": "2026-12-31"}, 409, "audit-period-overlaps"),
        ({"period_start": "2026-11-30", "period_end": "2026-11-01"}, 422, "validation"),
        ({"period_start": "2026-11-01"}, 422, "validation"),
        ({"period_start": 20261101, "period_end": "2026-11-30"}, 422, "validation"),
        ({"period_start": "2026-11-31", "period_end": "2026-12-30"}, 422, "validation"),
        ({"period_start": "next month", "period_end": "2026-11-30"}, 422, "validation"),
        ({**NOVEMBER, "seed": "00" * 32}, 422, "validation"),
    ],
)
def test_a_bad_period_is_refused_and_nothing_is_written(
    api, november, login, body, status, slug, evaluation_database, committee, published
):
    response = api.post("/v1/audit-plans", json=body, headers=login("staff"))
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/" + slug)
    assert count(evaluation_database, committee.tenant, AuditPlan) == 1
    assert len(published(committee.tenant, COMMITTED)) == 1


@pytest.mark.parametrize("role", ["auditor", "volunteer", "town_admin", "district_admin"])
def test_only_a_committees_staff_commit_plans(api, committee, login, role, stand, evaluation_database):
    stand(date(2026, 11, 3))
    response = api.post("/v1/audit-plans", json=NOVEMBER, headers=login(role))
    assert response.status_code == 403, response.text
    assert count(evaluation_database, committee.tenant, AuditPlan) == 0


def test_plans_are_seen_in_their_subtree_only(api, november, login):
    plan_id = november["id"]
    for role in ("staff", "auditor", "town_admin", "district_admin"):
        listed = api.get("/v1/audit-plans", headers=login(role))
        assert listed.status_code == 200, role
        assert [plan["id"] for plan in listed.json()["items"]] == [plan_id], role
        assert api.get(f"/v1/audit-plans/{plan_id}", headers=login(role)).status_code == 200
    for role in ("sibling_admin", "other_town_admin"):
        assert api.get("/v1/audit-plans", headers=login(role)).json()["items"] == []
        for path in ("", "/verification"):
            response = api.get(f"/v1/audit-plans/{plan_id}{path}", headers=login(role))
            assert response.status_code == 404, (role, path)
            assert response.json()["type"].endswith("/audit-plan-not-found")
    assert api.get("/v1/audit-plans", headers=login("volunteer")).status_code == 403
    assert api.get(f"/v1/audit-plans/{uuid.uuid4()}", headers=login("staff")).status_code == 404


def test_plans_page_by_period_newest_first(api, committee, login, stand):
    for month in (1, 2, 3):
        stand(date(2027, month, 2))
        assert api.post("/v1/audit-plans", json={}, headers=login("staff")).status_code == 201
    first = api.get("/v1/audit-plans?limit=2", headers=login("staff")).json()
    assert [plan["period_start"] for plan in first["items"]] == ["2027-03-01", "2027-02-01"]
    rest = api.get(f"/v1/audit-plans?limit=2&cursor={first['next_cursor']}", headers=login("staff")).json()
    assert [plan["period_start"] for plan in rest["items"]] == ["2027-01-01"]
    assert rest["next_cursor"] is None
    assert api.get("/v1/audit-plans?status=drawn", headers=login("staff")).json()["items"] == []
    assert api.get("/v1/audit-plans?status=lost", headers=login("staff")).status_code == 422
    assert api.get("/v1/audit-plans?cursor=bm9wZQ", headers=login("staff")).status_code == 422


def test_the_draw_waits_for_the_end_of_the_period(
    api, november, login, stand, evaluation_database, committee
):
    stand(date(2026, 11, 30))
    response = api.post(f"/v1/audit-plans/{november['id']}/draw", headers=login("staff"))
    assert response.status_code == 409, response.text
    assert response.json()["type"].endswith("/audit-period-not-ended")
    assert count(evaluation_database, committee.tenant, AuditTask) == 0
    verification = api.get(f"/v1/audit-plans/{november['id']}/verification", headers=login("staff"))
    assert verification.status_code == 409
    assert verification.json()["type"].endswith("/audit-plan-not-drawn")


def test_the_draw_reveals_the_seed_makes_tasks_and_can_be_rerun_by_anyone(
    api, november, login, stand, serve, committee, published, evaluation_database
):
    records = [serve(committee.tenant, on=date(2026, 11, 1 + index % 30)) for index in range(30)]
    records += [serve(committee.tenant, activity=SORTING, late_entry=True) for _ in range(10)]
    outside = serve(committee.tenant, on=date(2026, 12, 1))
    voided = serve(committee.tenant)
    with evaluation_database.transaction(service_context(committee.tenant)) as session:
        session.execute(update(RecordFact).where(RecordFact.record_id == voided).values(voided=True))

    stand(date(2026, 12, 1))
    response = api.post(f"/v1/audit-plans/{november['id']}/draw", headers=login("staff"))
    assert response.status_code == 200, response.text
    plan = response.json()
    assert plan["status"] == "drawn"
    assert hashlib.sha256(bytes.fromhex(plan["seed"])).hexdigest() == november["seed_hash"]
    assert (plan["population"], plan["sample_size"]) == (40, 3)  # max(3, ⌈0.05 × 40⌉)
    assert plan["tasks"]["open"] == 3

    tasks = tasks_of(evaluation_database, committee.tenant, plan["id"])
    sampled = [task.record_id for task in tasks]
    assert set(sampled) <= set(records)
    assert outside not in sampled
    assert voided not in sampled
    assert {task.stratum for task in tasks} == {"平安巡逻", "垃圾分类值守"}  # both activities
    assert all(task.auditor_id is None for task in tasks)  # no auditors named yet
    assert all(task.hours_before == 2 for task in tasks)

    [event] = published(committee.tenant, DRAWN)
    assert event["data"]["seed"] == plan["seed"]
    assert event["data"]["sample_record_ids"] == [str(record_id) for record_id in sampled]

    for role in ("auditor", "town_admin"):
        verification = api.get(f"/v1/audit-plans/{plan['id']}/verification", headers=login(role))
        assert verification.status_code == 200, verification.text
        body = verification.json()
        assert body["matches"] is True
        assert body["seed_matches_hash"] is True
        assert body["drawn_record_ids"] == body["task_record_ids"] == [str(record) for record in sampled]
        assert len(body["population"]) == 40
        assert sum(row["drawn"] for row in body["population"]) == 3
        assert {row["weight"] for row in body["population"] if row["late_entry"]} == {4.0}
        assert "HMAC-SHA256" in body["rules"]

    # drawing again changes nothing
    again = api.post(f"/v1/audit-plans/{plan['id']}/draw", headers=login("staff"))
    assert again.status_code == 200
    assert again.json()["drawn_at"] == plan["drawn_at"]
    assert [task.id for task in tasks_of(evaluation_database, committee.tenant, plan["id"])] == [
        task.id for task in tasks
    ]
    assert len(published(committee.tenant, DRAWN)) == 1


def test_verification_rests_on_the_population_kept_at_the_draw(
    api, november, login, stand, serve, committee, evaluation_database
):
    records = [serve(committee.tenant) for _ in range(12)]
    stand(date(2026, 12, 2))
    plan = api.post(f"/v1/audit-plans/{november['id']}/draw", headers=login("staff")).json()
    # later, records change and new late ones arrive: the draw still re-runs to the same sample
    with evaluation_database.transaction(service_context(committee.tenant)) as session:
        session.execute(update(RecordFact).where(RecordFact.record_id.in_(records)).values(voided=True))
    serve(committee.tenant, late_entry=True)
    verification = api.get(f"/v1/audit-plans/{plan['id']}/verification", headers=login("staff")).json()
    assert verification["matches"] is True
    assert len(verification["population"]) == 12

    # a tampered seed is caught
    with evaluation_database.transaction(service_context(committee.tenant)) as session:
        session.execute(update(AuditPlan).where(AuditPlan.id == uuid.UUID(plan["id"])).values(seed="ab" * 32))
    tampered = api.get(f"/v1/audit-plans/{plan['id']}/verification", headers=login("staff")).json()
    assert tampered["seed_matches_hash"] is False
    assert tampered["matches"] is False


def test_an_empty_period_is_drawn_and_complete_at_once(api, november, login, stand, published, committee):
    stand(date(2026, 12, 1))
    plan = api.post(f"/v1/audit-plans/{november['id']}/draw", headers=login("staff")).json()
    assert (plan["status"], plan["population"], plan["sample_size"]) == ("completed", 0, 0)
    [event] = published(committee.tenant, DRAWN)
    assert event["data"]["sample_record_ids"] == []
    verification = api.get(f"/v1/audit-plans/{plan['id']}/verification", headers=login("staff")).json()
    assert verification["matches"] is True


@pytest.mark.parametrize("role", ["auditor", "town_admin", "volunteer"])
def test_only_staff_draw(api, november, login, stand, role, evaluation_database, committee):
    stand(date(2026, 12, 1))
    response = api.post(f"/v1/audit-plans/{november['id']}/draw", headers=login(role))
    assert response.status_code == 403
    assert count(evaluation_database, committee.tenant, AuditTask) == 0


def test_another_committees_staff_cannot_draw_or_assign(api, november, login, stand):
    stand(date(2026, 12, 1))
    headers = login("sibling_admin")
    assert api.post(f"/v1/audit-plans/{november['id']}/draw", headers=headers).status_code == 404
    body = {"auditor_ids": [str(uuid.uuid4())]}
    assert (
        api.put(f"/v1/audit-plans/{november['id']}/auditors", json=body, headers=headers).status_code == 404
    )


def test_auditors_named_before_the_draw_are_dealt_its_tasks_in_turn(
    api, november, login, stand, serve, committee, auditor, second_auditor, evaluation_database
):
    for _ in range(80):
        serve(committee.tenant)
    names = [str(auditor.user_id), str(second_auditor.user_id)]
    response = api.put(
        f"/v1/audit-plans/{november['id']}/auditors", json={"auditor_ids": names}, headers=login("staff")
    )
    assert response.status_code == 200, response.text
    assert response.json()["auditor_ids"] == names
    stand(date(2026, 12, 1))
    api.post(f"/v1/audit-plans/{november['id']}/draw", headers=login("staff"))
    tasks = tasks_of(evaluation_database, committee.tenant, november["id"])
    assert len(tasks) == 4  # ⌈0.05 × 80⌉
    assert [task.auditor_id for task in tasks] == [auditor.user_id, second_auditor.user_id] * 2


def test_auditors_named_after_the_draw_get_the_waiting_tasks(
    api, november, login, stand, serve, committee, auditor, second_auditor, evaluation_database
):
    for _ in range(5):
        serve(committee.tenant)
    stand(date(2026, 12, 1))
    api.post(f"/v1/audit-plans/{november['id']}/draw", headers=login("staff"))
    url = f"/v1/audit-plans/{november['id']}/auditors"
    assert (
        api.put(url, json={"auditor_ids": [str(auditor.user_id)]}, headers=login("staff")).status_code == 200
    )
    assert {task.auditor_id for task in tasks_of(evaluation_database, committee.tenant, november["id"])} == {
        auditor.user_id
    }
    # replacing the auditor hands the open tasks to the new one
    body = {"auditor_ids": [str(second_auditor.user_id)]}
    assert api.put(url, json=body, headers=login("staff")).status_code == 200
    assert {task.auditor_id for task in tasks_of(evaluation_database, committee.tenant, november["id"])} == {
        second_auditor.user_id
    }


@pytest.mark.parametrize(
    "body",
    [
        {"auditor_ids": []},
        {"auditor_ids": ["not-a-uuid"]},
        {"auditor_ids": ["00000000-0000-4000-8000-000000000001"] * 2},
        {"auditor_ids": [str(uuid.uuid4()) for _ in range(51)]},
        {"auditor_ids": "00000000-0000-4000-8000-000000000001"},
        {"auditors": []},
        {},
    ],
)
def test_bad_auditor_lists_are_refused(api, november, login, body, evaluation_database, committee):
    response = api.put(f"/v1/audit-plans/{november['id']}/auditors", json=body, headers=login("staff"))
    assert response.status_code == 422, response.text
    shown = api.get(f"/v1/audit-plans/{november['id']}", headers=login("staff")).json()
    assert shown["auditor_ids"] == []


def test_only_staff_name_auditors(api, november, login, auditor):
    body = {"auditor_ids": [str(auditor.user_id)]}
    for role in ("auditor", "town_admin"):
        response = api.put(f"/v1/audit-plans/{november['id']}/auditors", json=body, headers=login(role))
        assert response.status_code == 403, role
