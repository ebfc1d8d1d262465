"""Completions grant qualifications; renewals supersede; current vs. history; holders on a day; revoking."""

import random
import uuid
from datetime import date, timedelta

from linli_shared.clock import shanghai_today

TODAY = shanghai_today()


def register(roster_client, headers, name: str) -> str:
    response = roster_client.post(
        "/v1/volunteers",
        json={
            "name": name,
            "phone": f"13{random.randrange(10**9):09d}",
            "joined_on": "2020-01-01",
            "channel": "self_recommended",
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def create_course(roster_client, headers, name: str, qualification: str | None, months: int | None) -> str:
    response = roster_client.post(
        "/v1/courses",
        json={"name": name, "qualification": qualification, "validity_months": months},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def complete(roster_client, headers, course: str, volunteer: str, on: date, passed: bool = True, **extra):
    return roster_client.post(
        f"/v1/courses/{course}/completions",
        json={"volunteer_id": volunteer, "completed_on": on.isoformat(), "passed": passed, **extra},
        headers=headers,
    )


def test_a_pass_grants_the_course_qualification_with_its_expiry(roster_client, login, sync_directory):
    sync_directory()
    admin = login("tenant_admin")
    course = create_course(roster_client, admin, "应急救护", "应急救护", 12)
    volunteer = register(roster_client, admin, "王阿姨")

    done = complete(
        roster_client,
        login("staff"),
        course,
        volunteer,
        date(2026, 3, 1),
        score=92,
        trainer="红十字会 李老师",
    )
    assert done.status_code == 201, done.text
    completion = done.json()
    assert (completion["course_name"], completion["score"], completion["trainer"]) == (
        "应急救护",
        92,
        "红十字会 李老师",
    )
    granted = completion["qualification"]
    assert (granted["name"], granted["granted_on"], granted["expires_on"]) == (
        "应急救护",
        "2026-03-01",
        "2027-02-28",
    )
    assert (granted["status"], granted["completion_id"]) == ("active", completion["id"])

    failed = complete(roster_client, admin, course, volunteer, date(2026, 2, 1), passed=False, score=40)
    assert failed.status_code == 201
    assert failed.json()["qualification"] is None

    no_grant = create_course(roster_client, admin, "垃圾分类", None, None)
    plain = complete(roster_client, admin, no_grant, volunteer, date(2026, 3, 2))
    assert plain.json()["qualification"] is None

    record = roster_client.get(f"/v1/volunteers/{volunteer}/completions", headers=login("auditor")).json()
    assert [(row["course_name"], row["passed"]) for row in record] == [
        ("垃圾分类", True),
        ("应急救护", True),
        ("应急救护", False),
    ]
    page = roster_client.get(f"/v1/courses/{course}/completions?limit=1", headers=admin).json()
    assert [row["completed_on"] for row in page["items"]] == ["2026-03-01"]
    rest = roster_client.get(
        f"/v1/courses/{course}/completions?cursor={page['next_cursor']}", headers=admin
    ).json()
    assert [row["completed_on"] for row in rest["items"]] == ["2026-02-01"]
    assert rest["next_cursor"] is None

    duplicate = complete(roster_client, admin, course, volunteer, date(2026, 3, 1))
    assert duplicate.status_code == 409
    assert duplicate.json()["type"].endswith("/completion-recorded")


def test_renewal_supersedes_and_current_hides_history(roster_client, login, sync_directory):
    sync_directory()
    admin = login("tenant_admin")
    course = create_course(roster_client, admin, "消防安全", "消防安全", 12)
    forever = create_course(roster_client, admin, "党员先锋", "党员先锋岗", None)
    volunteer = register(roster_client, admin, "李师傅")

    old = complete(roster_client, admin, course, volunteer, TODAY - timedelta(days=400)).json()[
        "qualification"
    ]
    assert roster_client.get(f"/v1/volunteers/{volunteer}/qualifications", headers=admin).json() == [], (
        "an expired grant is not current, even before the sweep marks it"
    )
    new = complete(roster_client, admin, course, volunteer, TODAY - timedelta(days=10)).json()[
        "qualification"
    ]
    lasting = complete(roster_client, admin, forever, volunteer, date(2021, 7, 1)).json()["qualification"]
    assert lasting["expires_on"] is None

    current = roster_client.get(f"/v1/volunteers/{volunteer}/qualifications", headers=admin).json()
    assert [(row["name"], row["id"]) for row in current] == [
        ("党员先锋岗", lasting["id"]),
        ("消防安全", new["id"]),
    ]
    history = roster_client.get(
        f"/v1/volunteers/{volunteer}/qualifications?include_expired=true", headers=admin
    ).json()
    by_id = {row["id"]: row for row in history}
    assert set(by_id) == {old["id"], new["id"], lasting["id"]}
    assert (by_id[old["id"]]["status"], by_id[old["id"]]["superseded_by"]) == ("superseded", new["id"])

    # a late-recorded older completion is history: the newer grant stays live
    late = complete(roster_client, admin, course, volunteer, TODAY - timedelta(days=200)).json()[
        "qualification"
    ]
    assert (late["status"], late["superseded_by"]) == ("superseded", new["id"])
    current = roster_client.get(f"/v1/volunteers/{volunteer}/qualifications", headers=admin).json()
    assert [row["id"] for row in current if row["name"] == "消防安全"] == [new["id"]]


def test_holders_of_a_valid_qualification_on_a_day(roster_client, login, sync_directory):
    sync_directory()
    admin = login("tenant_admin")
    course = create_course(roster_client, admin, "应急救护", "应急救护", 24)
    other = create_course(roster_client, admin, "消防安全", "消防安全", 24)
    early, late, gone, lapsed, fire_only = (
        register(roster_client, admin, name) for name in ("甲", "乙", "丙", "丁", "戊")
    )
    complete(roster_client, admin, course, early, date(2025, 1, 10))
    complete(roster_client, admin, course, late, date(2026, 1, 10))
    complete(roster_client, admin, course, gone, date(2025, 6, 1))
    complete(roster_client, admin, course, lapsed, date(2022, 1, 1))  # expires 2023-12-31
    complete(roster_client, admin, other, fire_only, date(2025, 6, 1))
    assert (
        roster_client.post(
            f"/v1/volunteers/{gone}/exit", json={"kind": "voluntary", "reason": "搬家"}, headers=admin
        ).status_code
        == 200
    )

    def holders(day: str, headers=admin, **params) -> dict:
        response = roster_client.get(
            "/v1/qualifications", params={"name": "应急救护", "valid_on": day, **params}, headers=headers
        )
        assert response.status_code == 200, response.text
        return response.json()

    assert [row["volunteer_name"] for row in holders("2025-12-01")["items"]] == ["甲"]
    both = holders("2026-02-01")
    assert {row["volunteer_id"] for row in both["items"]} == {early, late}
    row = next(row for row in both["items"] if row["volunteer_id"] == early)
    assert (row["granted_on"], row["expires_on"]) == ("2025-01-10", "2027-01-09")
    assert holders("2027-01-09")["items"][0]["volunteer_id"] in {early, late}
    assert {row["volunteer_id"] for row in holders("2027-01-10")["items"]} == {late}
    assert {row["volunteer_id"] for row in holders("2023-06-01")["items"]} == {lapsed}
    assert holders("2020-01-01")["items"] == []

    first = holders("2026-02-01", limit=1)
    assert len(first["items"]) == 1
    assert first["next_cursor"]
    second = holders("2026-02-01", limit=1, cursor=first["next_cursor"])
    assert {first["items"][0]["volunteer_id"], second["items"][0]["volunteer_id"]} == {early, late}
    assert second["next_cursor"] is None

    assert holders("2026-02-01", headers=login("town_admin"))["valid_on"] == "2026-02-01"
    assert holders("2026-02-01", headers=login("sibling_admin"))["items"] == []
    today = roster_client.get("/v1/qualifications", params={"name": "应急救护"}, headers=admin).json()
    assert today["valid_on"] == TODAY.isoformat()


def test_revoking_a_qualification(roster_client, login, sync_directory):
    sync_directory()
    admin = login("tenant_admin")
    course = create_course(roster_client, admin, "应急救护", "应急救护", None)
    volunteer = register(roster_client, admin, "赵大哥")
    granted = complete(roster_client, admin, course, volunteer, date(2026, 1, 5)).json()["qualification"]

    assert (
        roster_client.post(
            f"/v1/qualifications/{granted['id']}/revoke", json={"reason": "x"}, headers=login("auditor")
        ).status_code
        == 403
    )
    revoked = roster_client.post(
        f"/v1/qualifications/{granted['id']}/revoke", json={"reason": "证书系冒用"}, headers=login("staff")
    )
    assert revoked.status_code == 200, revoked.text
    assert (revoked.json()["status"], revoked.json()["revoked_reason"]) == ("revoked", "证书系冒用")
    assert (
        roster_client.get(f"/v1/qualifications/{granted['id']}", headers=admin).json()["status"] == "revoked"
    )
    assert roster_client.get(f"/v1/volunteers/{volunteer}/qualifications", headers=admin).json() == []
    assert (
        roster_client.get(
            "/v1/qualifications", params={"name": "应急救护", "valid_on": "2026-02-01"}, headers=admin
        ).json()["items"]
        == []
    )
    again = roster_client.post(
        f"/v1/qualifications/{granted['id']}/revoke", json={"reason": "再次"}, headers=admin
    )
    assert again.status_code == 409
    assert again.json()["type"].endswith("/qualification-not-active")

    renewed = complete(roster_client, admin, course, volunteer, date(2026, 2, 5)).json()["qualification"]
    assert renewed["status"] == "active", "a revoked grant does not block a new one"


def test_completion_rules(roster_client, login, sync_directory):
    sync_directory()
    admin = login("tenant_admin")
    course = create_course(roster_client, admin, "应急救护", "应急救护", 12)
    volunteer = register(roster_client, admin, "钱先生")

    future = complete(roster_client, admin, course, volunteer, TODAY + timedelta(days=1))
    assert future.status_code == 422
    assert (
        roster_client.post(
            f"/v1/volunteers/{volunteer}/exit",
            json={"kind": "voluntary", "reason": "工作调动"},
            headers=admin,
        ).status_code
        == 200
    )
    exited = complete(roster_client, admin, course, volunteer, date(2026, 1, 1))
    assert exited.status_code == 409
    assert exited.json()["type"].endswith("/volunteer-not-active")

    assert (
        roster_client.post(
            f"/v1/volunteers/{volunteer}/rejoin", json={"reason": "回来了"}, headers=admin
        ).status_code
        == 200
    )
    assert roster_client.post(f"/v1/courses/{course}/retire", headers=admin).status_code == 200
    retired = complete(roster_client, admin, course, volunteer, date(2026, 1, 1))
    assert retired.status_code == 409
    assert retired.json()["type"].endswith("/course-retired")
    assert roster_client.get(f"/v1/volunteers/{volunteer}/completions", headers=admin).json() == []


def test_bad_completion_input_writes_nothing(roster_client, login, sync_directory):
    sync_directory()
    admin = login("tenant_admin")
    course = create_course(roster_client, admin, "应急救护", "应急救护", 12)
    volunteer = register(roster_client, admin, "孙女士")
    good = {"volunteer_id": volunteer, "completed_on": "2026-01-01", "passed": True}
    for body in (
        {**good, "volunteer_id": "not-a-uuid"},
        {**good, "completed_on": "2026-02-30"},
        {**good, "completed_on": "yesterday"},
        {**good, "passed": "maybe"},
        {**good, "passed": "true"},
        {**good, "score": 101},
        {**good, "score": -1},
        {**good, "score": "90"},
        {**good, "trainer": "t" * 51},
        {**good, "trainer": "bell\x07"},
        {**good, "grade": "A"},
        {"volunteer_id": volunteer, "passed": True},
    ):
        response = roster_client.post(f"/v1/courses/{course}/completions", json=body, headers=admin)
        assert response.status_code == 422, body
        assert response.headers["content-type"] == "application/problem+json"
    malformed = roster_client.post(
        f"/v1/courses/{course}/completions",
        content=b"[1,",
        headers={**admin, "content-type": "application/json"},
    )
    assert malformed.status_code == 422
    unknown = roster_client.post(
        f"/v1/courses/{course}/completions", json={**good, "volunteer_id": str(uuid.uuid4())}, headers=admin
    )
    assert unknown.status_code == 404
    assert roster_client.get(f"/v1/volunteers/{volunteer}/completions", headers=admin).json() == []
    assert (
        roster_client.get(
            f"/v1/volunteers/{volunteer}/qualifications?include_expired=true", headers=admin
        ).json()
        == []
    )

    for params in (
        {},
        {"name": ""},
        {"name": "x" * 61},
        {"name": "a", "valid_on": "soon"},
        {"name": "a", "limit": 0},
    ):
        response = roster_client.get("/v1/qualifications", params=params, headers=admin)
        assert response.status_code == 422, params
    assert (
        roster_client.get(
            "/v1/qualifications", params={"name": "a", "cursor": "@@"}, headers=admin
        ).status_code
        == 422
    )
    for path in (
        "/v1/qualifications/nope",
        "/v1/volunteers/nope/qualifications",
        "/v1/volunteers/nope/completions",
    ):
        assert roster_client.get(path, headers=admin).status_code == 422, path
    assert (
        roster_client.post("/v1/qualifications/nope/revoke", json={"reason": "x"}, headers=admin).status_code
        == 422
    )
    assert roster_client.get(f"/v1/qualifications/{uuid.uuid4()}", headers=admin).status_code == 404


def test_another_committee_gets_404_for_every_id(roster_client, login, sync_directory):
    sync_directory()
    admin = login("tenant_admin")
    course = create_course(roster_client, admin, "应急救护", "应急救护", 12)
    volunteer = register(roster_client, admin, "周阿姨")
    granted = complete(roster_client, admin, course, volunteer, date(2026, 1, 1)).json()["qualification"]

    sibling = login("sibling_admin")
    theirs = register(roster_client, sibling, "别家人")
    their_course = create_course(roster_client, sibling, "应急救护", "应急救护", 12)
    assert complete(roster_client, admin, course, theirs, date(2026, 1, 1)).status_code == 404
    assert complete(roster_client, sibling, course, theirs, date(2026, 1, 1)).status_code == 404
    assert complete(roster_client, sibling, their_course, volunteer, date(2026, 1, 1)).status_code == 404
    for path in (
        f"/v1/volunteers/{volunteer}/qualifications",
        f"/v1/volunteers/{volunteer}/completions",
        f"/v1/qualifications/{granted['id']}",
        f"/v1/courses/{course}/completions",
    ):
        assert roster_client.get(path, headers=sibling).status_code == 404, path
    revoke = roster_client.post(
        f"/v1/qualifications/{granted['id']}/revoke", json={"reason": "x"}, headers=sibling
    )
    assert revoke.status_code == 404
    assert (
        roster_client.get(f"/v1/qualifications/{granted['id']}", headers=admin).json()["status"] == "active"
    )
    assert (
        roster_client.get(
            f"/v1/volunteers/{volunteer}/qualifications", headers=login("volunteer")
        ).status_code
        == 403
    )
