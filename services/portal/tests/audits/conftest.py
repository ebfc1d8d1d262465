"""Audits need service records in a month that has ended: volunteers registered through the roster's API
(`enrol`), attendance the leader confirms through scheduling's API (`serve_shift`, the app standing at that
moment), and `drawn`: October 2026's plan committed in October, two records served, the draw made after the
grace, with the world's auditor (or someone else) set to deal the tasks to."""

from collections.abc import Callable
from datetime import UTC, date, datetime, time

import pytest

from linli_shared.clock import SHANGHAI

#: a day in the audited month (a Monday)
SERVICE_DAY = date(2026, 10, 12)


def ok(response, status: int = 200):
    assert response.status_code == status, response.text
    return response.json()


def moment(day: date, hour: int, minute: int = 0) -> datetime:
    """A Shanghai wall-clock moment, in UTC as the clock holds it."""
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI).astimezone(UTC)


#: October 2026: committed on the 5th, drawn on 6 November (after the month and its five days of grace)
COMMITTED_ON = date(2026, 10, 5)
DRAWN_ON = date(2026, 11, 6)


@pytest.fixture
def auditor_id(client, login, world) -> str:
    """The identity user id of the world's auditor (督查员) of the committee."""
    members = ok(client.get(f"/v1/tenants/{world.committee.id}/memberships", headers=login("tenant_admin")))
    return next(member["user_id"] for member in members if member["role"] == "auditor")


@pytest.fixture
def served_month(enrol, serve_shift, settle, services, login, clock) -> tuple[str, list[str]]:
    """October's plan committed on the 5th; 王阿姨 (2 h) and 李师傅 (3 h) served on the 12th, and evaluation
    has heard of it: (plan id, record ids)."""
    wang, li = enrol("王阿姨"), enrol("李师傅")
    settle()
    clock.at = moment(COMMITTED_ON, 10)
    plan = ok(services["evaluation"].client.post("/v1/audit-plans", json={}, headers=login("staff")), 201)
    records = [serve_shift(wang, SERVICE_DAY), serve_shift(li, SERVICE_DAY, minutes=180, name="敬老院陪伴")]
    settle()
    return plan["id"], records


@pytest.fixture
def drawn(served_month, services, login, clock, auditor_id) -> Callable[..., tuple[str, list[dict]]]:
    """`drawn(auditor_ids=None)` → (plan id, its tasks): October's plan drawn on DRAWN_ON, its tasks dealt to
    the given auditors (by default the world's auditor)."""
    evaluation = services["evaluation"].client

    def draw(auditor_ids: list[str] | None = None) -> tuple[str, list[dict]]:
        plan_id, _ = served_month
        staff = login("staff")
        clock.at = moment(DRAWN_ON, 10)
        ok(evaluation.post(f"/v1/audit-plans/{plan_id}/draw", headers=staff))
        chosen = {"auditor_ids": auditor_ids or [auditor_id]}
        ok(evaluation.put(f"/v1/audit-plans/{plan_id}/auditors", json=chosen, headers=staff))
        tasks = ok(evaluation.get("/v1/audit-tasks", params={"plan_id": plan_id}, headers=staff))["items"]
        return plan_id, tasks

    return draw
