"""Service records made the way the committee makes them: volunteers registered through the roster's API
(`enrol`), and a shift of an activity whose attendance the leader confirms through scheduling's API
(`serve`), the app standing at that moment. `settle()` then lets evaluation hear of the records."""

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

import pytest

from linli_shared.clock import SHANGHAI

#: the day the records' tests serve on (a Monday; within every window the services keep)
SERVICE_DAY = date(2026, 11, 16)


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


@pytest.fixture
def volunteer_phone(services, login, client, settle) -> Callable[[str], dict[str, str]]:
    """`volunteer_phone(volunteer_id)` → Authorization headers of that roster volunteer's own login (their
    invitation accepted; settled, so scheduling knows the login is theirs)."""

    def accept(volunteer_id: str) -> dict[str, str]:
        invitation = ok(
            services["roster"].client.post(
                f"/v1/volunteers/{volunteer_id}/login-invitation", headers=login("staff")
            ),
            201,
        )
        tokens = ok(
            client.post(
                "/v1/invitations/accept",
                json={"token": invitation["token"], "password": "a volunteer's own password"},
            )
        )
        settle()
        return {"Authorization": f"Bearer {tokens['access_token']}"}

    return accept
