"""The mediation studio (调解工作室): intake, mediators who hold the mediator role (two make a
co-mediation), sessions and the outcome; only tenant admins see cases; events carry no party names."""

import base64
import json
import random
import uuid
from pathlib import Path

import jsonschema
import pytest
from sqlalchemy import select, update

from linli_roster.database import messaging
from linli_roster.volunteers.models import Volunteer
from linli_shared.events.schemas import load_schema
from linli_shared.tenancy import Role, TenantContext

SCHEMAS = Path(__file__).resolve().parents[2] / "src" / "linli_roster" / "events" / "schemas"
MEDIATION_EVENTS = {"linli.roster.mediation.case_opened.v1", "linli.roster.mediation.case_closed.v1"}
INTAKE = {
    "parties": ["陈某(502室)", "林某(602室)"],
    "category": "neighbour",
    "summary": "楼上漏水导致楼下天花板受损,双方对维修费用分担有争议。",
    "received_on": "2025-09-01",
}


def register(roster_client, headers, name: str) -> str:
    response = roster_client.post(
        "/v1/volunteers",
        json={
            "name": name,
            "phone": f"13{random.randrange(10**9):09d}",
            "joined_on": "2024-01-01",
            "channel": "organisation_recommended",
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def mediator(roster_client, headers, name: str) -> str:
    volunteer = register(roster_client, headers, name)
    response = roster_client.post(
        f"/v1/volunteers/{volunteer}/roles",
        json={"role": "mediator", "starts_on": "2024-06-01"},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    return volunteer


def open_case(roster_client, headers, **changes) -> dict:
    response = roster_client.post("/v1/mediation-cases", json={**INTAKE, **changes}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def outbox_events(roster_database, world) -> list[dict]:
    with roster_database.transaction() as session:
        rows = session.execute(select(messaging.outbox.c.event).order_by(messaging.outbox.c.id)).scalars()
        return [event for event in rows if event["tenantpath"].startswith(world.committee.path)]


def test_a_case_from_intake_to_agreement(roster_client, roster_database, login, world, sync_directory):
    sync_directory()
    admin = login("tenant_admin")
    senior, junior = mediator(roster_client, admin, "老调解员"), mediator(roster_client, admin, "新调解员")

    case = open_case(roster_client, admin)
    assert (case["status"], case["parties"], case["mediators"], case["sessions"]) == (
        "open",
        INTAKE["parties"],
        [],
        [],
    )
    cid = case["id"]
    no_mediator = roster_client.post(
        f"/v1/mediation-cases/{cid}/sessions",
        json={"held_on": "2025-09-03", "notes": "初次约谈"},
        headers=admin,
    )
    assert no_mediator.status_code == 422, "a session needs a mediator on the case"

    # a mentor pair co-mediates: two mediators on the case
    for volunteer in (senior, junior):
        assigned = roster_client.post(
            f"/v1/mediation-cases/{cid}/mediators",
            json={"volunteer_id": volunteer, "assigned_on": "2025-09-02"},
            headers=admin,
        )
        assert assigned.status_code == 201, assigned.text
    assert {m["name"] for m in assigned.json()["mediators"]} == {"老调解员", "新调解员"}
    twice = roster_client.post(
        f"/v1/mediation-cases/{cid}/mediators",
        json={"volunteer_id": senior, "assigned_on": "2025-09-02"},
        headers=admin,
    )
    assert twice.status_code == 409

    for held_on, notes in (("2025-09-05", "分别听取双方陈述"), ("2025-09-12", "现场查看漏水点,提出分担方案")):
        recorded = roster_client.post(
            f"/v1/mediation-cases/{cid}/sessions", json={"held_on": held_on, "notes": notes}, headers=admin
        )
        assert recorded.status_code == 201, recorded.text
    assert [s["held_on"] for s in recorded.json()["sessions"]] == ["2025-09-05", "2025-09-12"]

    released = roster_client.post(
        f"/v1/mediation-cases/{cid}/mediators/{junior}/release",
        json={"released_on": "2025-09-13"},
        headers=admin,
    )
    assert released.status_code == 200, released.text
    assert [(m["name"], m["released_on"]) for m in released.json()["mediators"]] == [
        ("老调解员", None),
        ("新调解员", "2025-09-13"),
    ], "a released mediator stays in the case's history"
    assert (
        roster_client.post(
            f"/v1/mediation-cases/{cid}/mediators/{junior}/release",
            json={"released_on": "2025-09-14"},
            headers=admin,
        ).status_code
        == 404
    )

    listed = roster_client.get("/v1/mediation-cases?status=open", headers=admin).json()
    assert [(item["id"], item["mediators"]) for item in listed] == [(cid, ["老调解员"])]

    before_last_session = roster_client.post(
        f"/v1/mediation-cases/{cid}/close",
        json={"outcome": "resolved", "agreement": "维修费用各承担一半", "closed_on": "2025-09-10"},
        headers=admin,
    )
    assert before_last_session.status_code == 422
    no_agreement = roster_client.post(
        f"/v1/mediation-cases/{cid}/close",
        json={"outcome": "resolved", "closed_on": "2025-09-20"},
        headers=admin,
    )
    assert no_agreement.status_code == 422, "a resolved case records its agreement"
    closed = roster_client.post(
        f"/v1/mediation-cases/{cid}/close",
        json={
            "outcome": "resolved",
            "agreement": "维修费用各承担一半,十日内完成维修",
            "closed_on": "2025-09-20",
        },
        headers=admin,
    )
    assert closed.status_code == 200, closed.text
    body = closed.json()
    assert (body["status"], body["outcome"], body["closed_on"]) == ("closed", "resolved", "2025-09-20")
    assert roster_client.get(f"/v1/mediation-cases/{cid}", headers=admin).json() == body

    for url, payload in (
        (f"/v1/mediation-cases/{cid}/sessions", {"held_on": "2025-09-21", "notes": "回访"}),
        (f"/v1/mediation-cases/{cid}/mediators", {"volunteer_id": junior, "assigned_on": "2025-09-21"}),
        (f"/v1/mediation-cases/{cid}/mediators/{senior}/release", {"released_on": "2025-09-21"}),
        (f"/v1/mediation-cases/{cid}/close", {"outcome": "referred", "closed_on": "2025-09-21"}),
    ):
        assert roster_client.post(url, json=payload, headers=admin).status_code == 409, url
    assert roster_client.get(f"/v1/mediation-cases/{cid}", headers=admin).json() == body

    # another case, referred on, in another category
    other = open_case(roster_client, admin, category="property", received_on="2025-10-01")
    roster_client.post(
        f"/v1/mediation-cases/{other['id']}/mediators",
        json={"volunteer_id": senior, "assigned_on": "2025-10-01"},
        headers=admin,
    )
    referred = roster_client.post(
        f"/v1/mediation-cases/{other['id']}/close",
        json={"outcome": "referred", "closed_on": "2025-10-02"},
        headers=admin,
    )
    assert referred.status_code == 200, referred.text
    assert referred.json()["agreement"] is None
    assert [c["id"] for c in roster_client.get("/v1/mediation-cases", headers=admin).json()] == [
        other["id"],
        cid,
    ]
    assert [
        c["id"] for c in roster_client.get("/v1/mediation-cases?category=property", headers=admin).json()
    ] == [other["id"]]
    assert roster_client.get("/v1/mediation-cases?status=open", headers=admin).json() == []

    events = [event for event in outbox_events(roster_database, world) if event["type"] in MEDIATION_EVENTS]
    assert [(event["type"], event["subject"]) for event in events] == [
        ("linli.roster.mediation.case_opened.v1", cid),
        ("linli.roster.mediation.case_closed.v1", cid),
        ("linli.roster.mediation.case_opened.v1", other["id"]),
        ("linli.roster.mediation.case_closed.v1", other["id"]),
    ]
    for event in events:
        jsonschema.validate(event, load_schema(SCHEMAS, event["type"]))
        assert not any(word in str(event["data"]) for word in ("陈某", "林某", "漏水", "调解员", "维修"))
    assert events[1]["data"] == {
        "case_id": cid,
        "category": "neighbour",
        "outcome": "resolved",
        "received_on": "2025-09-01",
        "closed_on": "2025-09-20",
    }


def test_only_current_mediators_can_be_assigned(roster_client, login, sync_directory):
    sync_directory()
    admin = login("tenant_admin")
    cid = open_case(roster_client, admin)["id"]
    url = f"/v1/mediation-cases/{cid}/mediators"

    plain = register(roster_client, admin, "普通志愿者")
    response = roster_client.post(
        url, json={"volunteer_id": plain, "assigned_on": "2025-09-02"}, headers=admin
    )
    assert response.status_code == 422
    assert response.json()["type"].endswith("/not-a-mediator")

    former = mediator(roster_client, admin, "前调解员")
    role_id = roster_client.get(f"/v1/volunteers/{former}", headers=admin).json()["roles"][0]["id"]
    ended = roster_client.post(
        f"/v1/volunteers/{former}/roles/{role_id}/end",
        json={"ends_on": "2025-08-01", "reason": "任期届满"},
        headers=admin,
    )
    assert ended.status_code == 200, ended.text
    assert (
        roster_client.post(
            url, json={"volunteer_id": former, "assigned_on": "2025-09-02"}, headers=admin
        ).status_code
        == 422
    )

    left = mediator(roster_client, admin, "已退出调解员")
    roster_client.post(
        f"/v1/volunteers/{left}/exit", json={"kind": "voluntary", "reason": "搬离"}, headers=admin
    )
    assert (
        roster_client.post(
            url, json={"volunteer_id": left, "assigned_on": "2025-09-02"}, headers=admin
        ).status_code
        == 404
    )

    current = mediator(roster_client, admin, "现任调解员")
    assert (
        roster_client.post(
            url, json={"volunteer_id": current, "assigned_on": "2025-08-31"}, headers=admin
        ).status_code
        == 422
    )
    assert (
        roster_client.post(
            url, json={"volunteer_id": current, "assigned_on": "2025-09-02"}, headers=admin
        ).status_code
        == 201
    )
    assert [
        m["name"] for m in roster_client.get(f"/v1/mediation-cases/{cid}", headers=admin).json()["mediators"]
    ] == ["现任调解员"]


def every_endpoint(cid: str, volunteer: str) -> list[tuple[str, str, dict | None]]:
    return [
        ("GET", "/v1/mediation-cases", None),
        ("POST", "/v1/mediation-cases", INTAKE),
        ("GET", f"/v1/mediation-cases/{cid}", None),
        (
            "POST",
            f"/v1/mediation-cases/{cid}/mediators",
            {"volunteer_id": volunteer, "assigned_on": "2025-09-02"},
        ),
        ("POST", f"/v1/mediation-cases/{cid}/mediators/{volunteer}/release", {"released_on": "2025-09-03"}),
        ("POST", f"/v1/mediation-cases/{cid}/sessions", {"held_on": "2025-09-03", "notes": "约谈"}),
        ("POST", f"/v1/mediation-cases/{cid}/close", {"outcome": "unresolved", "closed_on": "2025-09-04"}),
    ]


def case_with_mediator(roster_client, admin) -> tuple[str, str]:
    volunteer = mediator(roster_client, admin, "调解员")
    cid = open_case(roster_client, admin)["id"]
    response = roster_client.post(
        f"/v1/mediation-cases/{cid}/mediators",
        json={"volunteer_id": volunteer, "assigned_on": "2025-09-02"},
        headers=admin,
    )
    assert response.status_code == 201
    return cid, volunteer


def test_nobody_but_the_tenant_admin_and_the_cases_mediators_sees_cases(roster_client, login, sync_directory):
    sync_directory()
    admin = login("tenant_admin")
    cid, volunteer = case_with_mediator(roster_client, admin)
    before = roster_client.get(f"/v1/mediation-cases/{cid}", headers=admin).json()
    for role in ("staff", "auditor", "town_admin", "district_admin", "other_town_admin"):
        headers = login(role)
        for method, url, body in every_endpoint(cid, volunteer):
            response = roster_client.request(method, url, json=body, headers=headers)
            assert response.status_code == 403, (role, method, url, response.text)
            assert response.headers["content-type"] == "application/problem+json"
        # even malformed bodies meet the role check first
        assert (
            roster_client.post("/v1/mediation-cases", json={"bogus": 1}, headers=headers).status_code == 403
        )
    for method, url, body in every_endpoint(cid, volunteer):
        assert roster_client.request(method, url, json=body).status_code == 401
    assert roster_client.get(f"/v1/mediation-cases/{cid}", headers=admin).json() == before
    assert [c["id"] for c in roster_client.get("/v1/mediation-cases", headers=admin).json()] == [cid]


def test_another_committees_ids_are_not_found(roster_client, login, sync_directory):
    sync_directory()
    admin, sibling = login("tenant_admin"), login("sibling_admin")
    cid, volunteer = case_with_mediator(roster_client, admin)
    before = roster_client.get(f"/v1/mediation-cases/{cid}", headers=admin).json()
    for method, url, body in every_endpoint(cid, volunteer)[2:]:
        response = roster_client.request(method, url, json=body, headers=sibling)
        assert response.status_code == 404, (method, url, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    assert roster_client.get("/v1/mediation-cases", headers=sibling).json() == []

    # the sibling's own case cannot take our mediator, nor release ours
    own_case, own_mediator = case_with_mediator(roster_client, sibling)
    for url, body in (
        (
            f"/v1/mediation-cases/{own_case}/mediators",
            {"volunteer_id": volunteer, "assigned_on": "2025-09-02"},
        ),
        (f"/v1/mediation-cases/{own_case}/mediators/{volunteer}/release", {"released_on": "2025-09-03"}),
    ):
        assert roster_client.post(url, json=body, headers=sibling).status_code == 404, url
    assert (
        roster_client.post(
            f"/v1/mediation-cases/{cid}/mediators",
            json={"volunteer_id": own_mediator, "assigned_on": "2025-09-02"},
            headers=admin,
        ).status_code
        == 404
    )
    assert roster_client.get(f"/v1/mediation-cases/{cid}", headers=admin).json() == before


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("", {**INTAKE, "parties": []}),
        ("", {**INTAKE, "parties": ["甲"] * 11}),
        ("", {**INTAKE, "parties": ["陈某 13812345678"]}),
        ("", {**INTAKE, "parties": ["陈某", "x" * 51]}),
        ("", {**INTAKE, "parties": "陈某"}),
        ("", {**INTAKE, "summary": "请联系 138-1234-5678"}),
        ("", {**INTAKE, "summary": "s" * 2001}),
        ("", {**INTAKE, "summary": "nul\x00"}),
        ("", {**INTAKE, "category": "criminal"}),
        ("", {**INTAKE, "received_on": "2999-01-01"}),
        ("", {**INTAKE, "phone": "13812345678"}),
        ("", {key: value for key, value in INTAKE.items() if key != "summary"}),
        ("/mediators", {"volunteer_id": "nope", "assigned_on": "2025-09-02"}),
        ("/mediators", {"volunteer_id": str(uuid.uuid4()), "assigned_on": "2025-09-02"}),
        ("/mediators/{volunteer}/release", {"released_on": "2025-09-01"}),
        ("/mediators/{volunteer}/release", {"released_on": "2025-09-03", "reason": "x"}),
        ("/sessions", {"held_on": "2025-08-01", "notes": "早于受理"}),
        ("/sessions", {"held_on": "2025-09-03", "notes": ""}),
        ("/sessions", {"held_on": "2025-09-03", "notes": "n" * 5001}),
        ("/sessions", {"held_on": "2025-09-03", "notes": "电话 13912345678"}),
        ("/close", {"outcome": "won", "closed_on": "2025-09-04"}),
        ("/close", {"outcome": "unresolved", "closed_on": "2025-08-01"}),
        ("/close", {"outcome": "resolved", "agreement": "a" * 5001, "closed_on": "2025-09-04"}),
        ("/close", {"outcome": "unresolved"}),
    ],
)
def test_bad_input_writes_nothing(roster_client, roster_database, login, world, sync_directory, path, body):
    sync_directory()
    admin = login("tenant_admin")
    cid, volunteer = case_with_mediator(roster_client, admin)
    before = (
        roster_client.get("/v1/mediation-cases", headers=admin).json(),
        roster_client.get(f"/v1/mediation-cases/{cid}", headers=admin).json(),
    )
    events = len(outbox_events(roster_database, world))
    url = "/v1/mediation-cases" + (f"/{cid}" + path.format(volunteer=volunteer) if path else "")
    response = roster_client.post(url, json=body, headers=admin)
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"] == "application/problem+json"
    after = (
        roster_client.get("/v1/mediation-cases", headers=admin).json(),
        roster_client.get(f"/v1/mediation-cases/{cid}", headers=admin).json(),
    )
    assert after == before
    assert len(outbox_events(roster_database, world)) == events


def test_malformed_requests_and_no_delete(roster_client, login, sync_directory):
    sync_directory()
    admin = login("tenant_admin")
    cid, _ = case_with_mediator(roster_client, admin)
    before = roster_client.get(f"/v1/mediation-cases/{cid}", headers=admin).json()
    json_headers = {**admin, "content-type": "application/json"}
    for url in (
        "/v1/mediation-cases",
        f"/v1/mediation-cases/{cid}/sessions",
        f"/v1/mediation-cases/{cid}/close",
    ):
        response = roster_client.post(url, content=b'{"parties": [', headers=json_headers)
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
    for url in (
        "/v1/mediation-cases/123",
        "/v1/mediation-cases?status=pending",
        "/v1/mediation-cases?category=war",
    ):
        assert roster_client.get(url, headers=admin).status_code == 422, url
    assert roster_client.get(f"/v1/mediation-cases/{uuid.uuid4()}", headers=admin).status_code == 404
    response = roster_client.delete(f"/v1/mediation-cases/{cid}", headers=admin)
    assert response.status_code == 405, "cases are never deleted"
    assert roster_client.get(f"/v1/mediation-cases/{cid}", headers=admin).json() == before


def test_records_are_kept_by_the_database_too(roster_client, roster_database, login, world, sync_directory):
    """The app's database role cannot delete a case nor rewrite a session, whatever the code does."""
    from sqlalchemy import text
    from sqlalchemy.exc import ProgrammingError

    from linli_shared.tenancy import Role, TenantContext

    sync_directory()
    admin = login("tenant_admin")
    cid, _ = case_with_mediator(roster_client, admin)
    roster_client.post(
        f"/v1/mediation-cases/{cid}/sessions", json={"held_on": "2025-09-03", "notes": "约谈"}, headers=admin
    )
    context = TenantContext(tenant_id=world.committee.id, tenant_path=world.committee.path, role=Role.SERVICE)
    for statement in (
        "delete from mediation_cases",
        "delete from mediation_sessions",
        "update mediation_sessions set notes = 'rewritten'",
    ):
        with (
            pytest.raises(ProgrammingError, match="permission denied"),
            roster_database.transaction(context) as session,
        ):
            session.execute(text(statement))
    assert (
        roster_client.get(f"/v1/mediation-cases/{cid}", headers=admin).json()["sessions"][0]["notes"]
        == "约谈"
    )


def test_cases_follow_a_moved_committee(roster_client, client, login, world, sync_directory):
    sync_directory()
    admin = login("tenant_admin")
    cid, _ = case_with_mediator(roster_client, admin)
    roster_client.post(
        f"/v1/mediation-cases/{cid}/sessions", json={"held_on": "2025-09-03", "notes": "约谈"}, headers=admin
    )
    moved = client.post(
        f"/v1/tenants/{world.committee.id}/move",
        json={"new_parent_id": str(world.other_town.id)},
        headers=login("district_admin"),
    )
    assert moved.status_code == 200, moved.text
    sync_directory()
    case = roster_client.get(f"/v1/mediation-cases/{cid}", headers=login("tenant_admin")).json()
    assert ([m["name"] for m in case["mediators"]], len(case["sessions"])) == (["调解员"], 1)


def test_a_mediator_with_a_login_reads_only_their_own_cases(
    roster_client, roster_database, login, world, sync_directory
):
    sync_directory()
    admin, volunteer_login = login("tenant_admin"), login("volunteer")
    theirs, mediator_id = case_with_mediator(roster_client, admin)
    other = open_case(roster_client, admin, summary="另一起纠纷,与该调解员无关。")["id"]

    # not linked yet: a volunteer login sees no case and cannot act on any
    assert roster_client.get("/v1/mediation-cases", headers=volunteer_login).json() == []
    assert roster_client.get(f"/v1/mediation-cases/{theirs}", headers=volunteer_login).status_code == 404

    me = roster_client.get("/v1/me/volunteer", headers=volunteer_login)
    assert me.status_code == 404
    user_id = login_user_id(volunteer_login)
    # link the login to the mediator's record, as the membership-granted event does for a real invitation
    committee = TenantContext(
        tenant_id=world.committee.id, tenant_path=world.committee.path, role=Role.SERVICE
    )
    with roster_database.transaction(committee) as session:
        session.execute(
            update(Volunteer).where(Volunteer.id == uuid.UUID(mediator_id)).values(user_id=uuid.UUID(user_id))
        )

    listed = roster_client.get("/v1/mediation-cases", headers=volunteer_login).json()
    assert [case["id"] for case in listed] == [theirs]
    assert roster_client.get(f"/v1/mediation-cases/{theirs}", headers=volunteer_login).status_code == 200
    assert roster_client.get(f"/v1/mediation-cases/{other}", headers=volunteer_login).status_code == 404
    for method, url, body in every_endpoint(theirs, mediator_id)[2:]:
        if method == "POST":
            assert roster_client.request(method, url, json=body, headers=volunteer_login).status_code == 403

    roster_client.post(
        f"/v1/mediation-cases/{theirs}/mediators/{mediator_id}/release",
        json={"released_on": "2025-09-03"},
        headers=admin,
    )
    assert roster_client.get("/v1/mediation-cases", headers=volunteer_login).json() == []


def login_user_id(headers: dict) -> str:
    payload = headers["Authorization"].split()[1].split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"]
