"""The audit calendar Celery runs daily per committee: a month's seed committed on its first day, its sample
drawn once the month and its grace have passed; both idempotent, however often they run."""

import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from linli_evaluation.audits.exceptions import PeriodNotEnded
from linli_evaluation.audits.models import AuditPlan, AuditTask
from linli_evaluation.audits.tasks import commit_due_plans, commit_plan, draw_due_plans, draw_plan
from linli_shared.tenancy import Role, TenantContext

pytestmark = pytest.mark.integration

COMMITTED = "linli.evaluation.audit_plan.committed.v1"
DRAWN = "linli.evaluation.audit_plan.drawn.v1"


def service_context(tenant) -> TenantContext:
    return TenantContext(tenant_id=tenant.id, tenant_path=tenant.path, role=Role.SERVICE, subject="test")


def plans(database, tenant) -> list[AuditPlan]:
    with database.transaction(service_context(tenant)) as session:
        return list(session.scalars(select(AuditPlan).order_by(AuditPlan.period_start)))


def tasks(database, tenant) -> list[AuditTask]:
    with database.transaction(service_context(tenant)) as session:
        return list(session.scalars(select(AuditTask).order_by(AuditTask.record_id)))


def test_a_months_plan_is_committed_once_and_drawn_once_after_its_grace(
    committee, serve, evaluation_database, published
):
    database, tenant = evaluation_database, committee.tenant
    assert commit_due_plans(database, committee.id, committee.path, date(2026, 11, 1)) == 1
    for day in (date(2026, 11, 1), date(2026, 11, 2), date(2026, 11, 30)):
        assert commit_due_plans(database, committee.id, committee.path, day) == 0
    [plan] = plans(database, tenant)
    assert (plan.period_start, plan.period_end, plan.status) == (
        date(2026, 11, 1),
        date(2026, 11, 30),
        "committed",
    )
    assert len(published(tenant, COMMITTED)) == 1

    november = [serve(tenant, on=date(2026, 11, 1 + index)) for index in range(25)]
    serve(tenant, on=date(2026, 12, 1))

    # December's plan is committed on its first day; November's waits for its grace
    for day in (date(2026, 12, 1), date(2026, 12, 5)):
        assert draw_due_plans(database, committee.id, committee.path, day) == 0
    assert commit_due_plans(database, committee.id, committee.path, date(2026, 12, 1)) == 1
    assert draw_due_plans(database, committee.id, committee.path, date(2026, 12, 6)) == 1
    assert draw_due_plans(database, committee.id, committee.path, date(2026, 12, 7)) == 0

    drawn, december = plans(database, tenant)
    assert (drawn.status, drawn.population, drawn.sample_size) == ("drawn", 25, 3)
    assert december.status == "committed"
    assert {task.record_id for task in tasks(database, tenant)} <= set(november)
    [event] = published(tenant, DRAWN)
    assert event["data"]["seed"] == drawn.seed


def test_commit_plan_is_idempotent_per_period(committee, evaluation_database, published):
    now = datetime(2026, 11, 1, 1, 0, tzinfo=UTC)
    first = commit_plan(
        evaluation_database, committee.id, committee.path, date(2026, 11, 1), date(2026, 11, 30), now
    )
    again = commit_plan(
        evaluation_database, committee.id, committee.path, date(2026, 11, 1), date(2026, 11, 30), now
    )
    assert first == again
    assert len(published(committee.tenant, COMMITTED)) == 1


def test_draw_plan_waits_for_the_period_and_draws_once(committee, serve, evaluation_database, published):
    database = evaluation_database
    plan_id = commit_plan(
        database,
        committee.id,
        committee.path,
        date(2026, 11, 1),
        date(2026, 11, 30),
        datetime(2026, 11, 1, 1, 0, tzinfo=UTC),
    )
    serve(committee.tenant)
    with pytest.raises(PeriodNotEnded):
        draw_plan(database, committee.id, committee.path, plan_id, datetime(2026, 11, 30, 15, 0, tzinfo=UTC))
    # 16:00 UTC on 30 November is already 1 December in Shanghai
    after = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
    assert draw_plan(database, committee.id, committee.path, plan_id, after) == "drawn"
    assert draw_plan(database, committee.id, committee.path, plan_id, after) == "drawn"
    assert len(tasks(database, committee.tenant)) == 1
    assert len(published(committee.tenant, DRAWN)) == 1


def test_a_month_staff_already_cover_is_left_to_their_plan(api, committee, login, stand, evaluation_database):
    stand(date(2026, 10, 20))
    body = {"period_start": "2026-10-15", "period_end": "2026-11-14"}
    assert api.post("/v1/audit-plans", json=body, headers=login("staff")).status_code == 201
    assert commit_due_plans(evaluation_database, committee.id, committee.path, date(2026, 11, 1)) == 0
    assert len(plans(evaluation_database, committee.tenant)) == 1


def test_each_committee_has_its_own_plans(world, committee, evaluation_database):
    sibling = world.sibling
    commit_due_plans(evaluation_database, committee.id, committee.path, date(2026, 11, 1))
    commit_due_plans(evaluation_database, sibling.id, sibling.path, date(2026, 11, 1))
    [own] = plans(evaluation_database, committee.tenant)
    [theirs] = plans(evaluation_database, sibling)
    assert own.id != theirs.id
    assert own.seed != theirs.seed
    assert isinstance(own.id, uuid.UUID)
