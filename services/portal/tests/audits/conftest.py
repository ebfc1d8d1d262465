"""Audits need service records in a month that has ended: volunteers registered through the roster's API
(`enrol`), attendance the leader confirms through scheduling's API (`serve`, the app standing at that
moment), and `drawn`: October 2026's plan committed in October, two records served, the draw made after the
grace, with the world's auditor (or someone else) set to deal the tasks to."""

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

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


@pytest.fixture
def enrol(services, login) -> Callable[..., str]:
    """`enrol("王阿姨")` → the id of a volunteer the roster registered just now (call `settle()` after)."""

    def register(name: str) -> str:
        body = {
            "name": name,
            "phone": "1" + random.choice("3456789") + f"{random.randrange(10**9):09d}",
            "joined_on": "2024-01-01",
            "channel": "self_recommended",
        }
        return ok(services["roster"].client.post("/v1/volunteers", json=body, headers=login("staff")), 201)[
            "id"
        ]

    return register


@pytest.fixture
def serve(services, login, clock) -> Callable[..., str]:
    """`serve(volunteer_id, on=SERVICE_DAY, minutes=120)` → the id of the record the leader's confirmation
    made: an activity 09:00–11:00 (Shanghai), the volunteer there from 09:00 for `minutes`."""
    scheduling = services["scheduling"].client

    def record(
        volunteer_id: str, on: date = SERVICE_DAY, minutes: int = 120, name: str = "垃圾分类值守"
    ) -> str:
        staff = login("staff")
        clock.at = moment(on, 8)
        activity = ok(
            scheduling.post(
                "/v1/activities",
                json={
                    "name": name,
                    "kind": "service",
                    "content": "指导居民垃圾分类",
                    "recipient": "小区居民",
                    "place": "3号楼垃圾房",
                    "first_starts_at": moment(on, 9).isoformat(),
                    "duration_minutes": 120,
                    "capacity": 5,
                },
                headers=staff,
            ),
            201,
        )
        shifts = ok(
            scheduling.get(
                "/v1/shifts",
                params={"from": on.isoformat(), "to": on.isoformat(), "activity_id": activity["id"]},
                headers=staff,
            )
        )
        shift_id = (shifts if isinstance(shifts, list) else shifts["items"])[0]["id"]
        started = moment(on, 9)
        clock.at = started + timedelta(minutes=minutes + 10)  # the leader confirms once they have left
        attendance = ok(
            scheduling.post(
                f"/v1/shifts/{shift_id}/attendance",
                json={
                    "volunteer_id": volunteer_id,
                    "checked_in_at": started.isoformat(),
                    "checked_out_at": (started + timedelta(minutes=minutes)).isoformat(),
                },
                headers=staff,
            )
        )
        return attendance["record"]["id"]

    return record


#: October 2026: committed on the 5th, drawn on 6 November (after the month and its five days of grace)
COMMITTED_ON = date(2026, 10, 5)
DRAWN_ON = date(2026, 11, 6)


@pytest.fixture
def auditor_id(client, login, world) -> str:
    """The identity user id of the world's auditor (督查员) of the committee."""
    members = ok(client.get(f"/v1/tenants/{world.committee.id}/memberships", headers=login("tenant_admin")))
    return next(member["user_id"] for member in members if member["role"] == "auditor")


@pytest.fixture
def served_month(enrol, serve, settle, services, login, clock) -> tuple[str, list[str]]:
    """October's plan committed on the 5th; 王阿姨 (2 h) and 李师傅 (3 h) served on the 12th, and evaluation
    has heard of it: (plan id, record ids)."""
    wang, li = enrol("王阿姨"), enrol("李师傅")
    settle()
    clock.at = moment(COMMITTED_ON, 10)
    plan = ok(services["evaluation"].client.post("/v1/audit-plans", json={}, headers=login("staff")), 201)
    records = [serve(wang), serve(li, minutes=180, name="敬老院陪伴")]
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
