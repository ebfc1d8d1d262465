"""Helpers for the recruitment tests: register volunteers, record needs and candidates, read the outbox."""

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from linli_roster.database import messaging

Headers = dict[str, str]


def phone() -> str:
    return f"13{random.randrange(10**9):09d}"


@dataclass
class Recruit:
    client: TestClient
    login: Callable[[str], Headers]
    world: Any
    database: Any
    client_identity: TestClient
    sync: Callable[[], int]
    settings: Any

    @staticmethod
    def phone() -> str:
        return phone()

    def volunteer(self, headers: Headers, name: str = "王志愿") -> dict[str, Any]:
        response = self.client.post(
            "/v1/volunteers",
            json={"name": name, "phone": phone(), "joined_on": "2025-01-01", "channel": "self_recommended"},
            headers=headers,
        )
        assert response.status_code == 201, response.text
        return response.json()

    def need(self, headers: Headers, **fields: Any) -> dict[str, Any]:
        body = {"title": "3–7号楼楼组长", "description": "每栋一位", "headcount": 2, **fields}
        response = self.client.post("/v1/recruitment/needs", json=body, headers=headers)
        assert response.status_code == 201, response.text
        return response.json()

    def candidate(self, headers: Headers, **fields: Any) -> dict[str, Any]:
        body = {"name": "李自荐", "phone": phone(), "channel": "self_recommended", **fields}
        response = self.client.post("/v1/recruitment/candidates", json=body, headers=headers)
        assert response.status_code == 201, response.text
        return response.json()

    def decide(self, headers: Headers, candidate_id: str, decision: str, reason: str = "理由"):
        return self.client.post(
            f"/v1/recruitment/candidates/{candidate_id}/decision",
            json={"decision": decision, "reason": reason},
            headers=headers,
        )

    def notice(self, headers: Headers, volunteer_id: str, **fields: Any) -> dict[str, Any]:
        body = {"volunteer_id": volunteer_id, "statement": "拟推选为骨干", **fields}
        response = self.client.post("/v1/recruitment/notices", json=body, headers=headers)
        assert response.status_code == 201, response.text
        return response.json()

    def events(self) -> list[dict[str, Any]]:
        """This world's events in the roster outbox, oldest first."""
        outbox = messaging.outbox
        with self.database.transaction() as session:
            rows = session.execute(select(outbox.c.event).order_by(outbox.c.id)).scalars().all()
        return [event for event in rows if event["tenantpath"].startswith(self.world.district.path)]

    def events_of(self, event_type: str) -> list[dict[str, Any]]:
        return [event for event in self.events() if event["type"] == event_type]


@pytest.fixture
def recruit(roster_client, client, login, world, roster_database, roster_settings, sync_directory) -> Recruit:
    sync_directory()
    return Recruit(roster_client, login, world, roster_database, client, sync_directory, roster_settings)
