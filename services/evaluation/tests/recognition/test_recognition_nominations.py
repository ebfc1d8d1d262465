"""Nominations: made by staff for a volunteer who meets the criteria (the evidence kept as it stood), within
the programme's places per committee; approved by someone else (four eyes); publicised (公示) with
residents' objections recorded and resolved; every other move refused (409); other committees' nominations
absent (404); bad input refused with nothing written."""

import base64
import json
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from linli_evaluation.recognition.models import Nomination, NominationObjection
from linli_shared.problems import PROBLEM_JSON
from linli_shared.tenancy import Role, TenantContext


def assert_problem(response, status: int, slug: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    body = response.json()
    if slug is not None:
        assert body["type"].endswith("/" + slug), body
    return body


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


@pytest.fixture
def eligible(volunteer, serve, rate):
    """`eligible(tenant, name)` → a volunteer who meets 最美志愿者 for 2026: 12 verified hours in two
    services, both rated 5."""

    def make(tenant, name: str, **fields) -> uuid.UUID:
        volunteer_id = volunteer(tenant, name, **fields)
        for day in (date(2026, 11, 7), date(2026, 4, 2)):
            rate(tenant, serve(tenant, volunteer_id, 6, on=day), volunteer_id, 5)
        return volunteer_id

    return make


@pytest.fixture
def programme(define, login, committee) -> dict:
    return define(login("district_admin"))


def nominate(api, headers, programme: dict, volunteer_id, period: str = "2026", **fields):
    body = {
        "programme_id": programme["id"],
        "period": period,
        "volunteer_id": str(volunteer_id),
        "statement": "常年坚持垃圾分类值守，居民交口称赞。",
        **fields,
    }
    return api.post("/v1/nominations", json=body, headers=headers)


def counts(evaluation_database, world) -> tuple[int, int]:
    """(nominations, objections) in the world's district."""
    context = TenantContext(tenant_id=world.district.id, tenant_path=world.district.path, role=Role.SERVICE)
    with evaluation_database.transaction(context) as session:
        return (
            session.scalar(select(func.count()).select_from(Nomination)),
            session.scalar(select(func.count()).select_from(NominationObjection)),
        )


def user_subject(headers: dict) -> str:
    """The subject (user id) of a login, as the service records who acted."""
    token = headers["Authorization"].removeprefix("Bearer ")
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"]


def test_a_nomination_keeps_its_evidence_goes_to_notice_and_meets_objections(
    api, world, login, programme, eligible, serve, today
):
    a = world.committee
    staff, admin = login("staff"), login("tenant_admin")
    li = eligible(a, "李明")
    candidate = api.get(
        f"/v1/award-programmes/{programme['id']}/candidates", params={"period": "2026"}, headers=staff
    ).json()["candidates"][0]

    draft = ok(nominate(api, staff, programme, li), 201)
    assert (draft["status"], draft["programme_name"], draft["period"]) == ("draft", "最美志愿者", "2026")
    assert (draft["volunteer_id"], draft["volunteer_name"], draft["committee_id"]) == (
        str(li),
        "李明",
        str(a.id),
    )
    assert draft["evidence"] == candidate["evidence"]
    assert draft["criteria"] == programme["criteria"]
    assert (draft["notice_days"], draft["created_by"]) == (7, user_subject(staff))
    assert draft["objections"] == []
    assert draft["honour_id"] is None

    # the evidence is what it was when nominated; the candidate list moves on with the tallies
    serve(a, li, 30)
    url = f"/v1/nominations/{draft['id']}"
    assert ok(api.get(url, headers=admin))["evidence"]["verified_hours"] == 12.0
    listed = api.get(
        f"/v1/award-programmes/{programme['id']}/candidates", params={"period": "2026"}, headers=staff
    ).json()
    assert listed["candidates"][0]["evidence"]["verified_hours"] == 42.0
    assert (listed["candidates"][0]["nomination_id"], listed["candidates"][0]["nomination_status"]) == (
        draft["id"],
        "draft",
    )
    assert (listed["nominations"], listed["remaining"]) == (1, 1)

    submitted = ok(api.post(f"{url}/submit", headers=staff))
    assert (submitted["status"], submitted["submitted_by"]) == ("submitted", user_subject(staff))
    # staff do not decide
    assert_problem(api.post(f"{url}/decision", json={"approve": True}, headers=staff), 403)
    approved = ok(api.post(f"{url}/decision", json={"approve": True, "note": "材料翔实"}, headers=admin))
    assert (approved["status"], approved["decision_note"]) == ("in_notice", "材料翔实")
    assert (approved["notice_starts_on"], approved["notice_ends_on"]) == ("2026-12-01", "2026-12-07")
    assert approved["decided_by"] == user_subject(admin)

    # a resident objects; the committee's admin looks into it and dismisses it
    objected = ok(
        api.post(f"{url}/objections", json={"text": "时长有水分", "by_name": "居民刘"}, headers=staff), 201
    )
    [objection] = objected["objections"]
    assert (objection["status"], objection["by_name"], objection["text"]) == (
        "pending",
        "居民刘",
        "时长有水分",
    )
    resolution = f"{url}/objections/{objection['id']}/resolution"
    assert_problem(api.post(resolution, json={"upheld": False, "note": "已核实"}, headers=staff), 403)
    dismissed = ok(api.post(resolution, json={"upheld": False, "note": "经核实，记录属实"}, headers=admin))
    assert dismissed["status"] == "in_notice"
    assert dismissed["objections"][0]["status"] == "dismissed"
    assert dismissed["objections"][0]["resolution_note"] == "经核实，记录属实"
    assert_problem(
        api.post(resolution, json={"upheld": True, "note": "再议"}, headers=admin), 409, "objection-resolved"
    )

    # on the notice's last day a second objection holds up; the town upholds it and the nomination is out
    today.move(date(2026, 12, 7))
    second = ok(
        api.post(f"{url}/objections", json={"text": "曾与邻居争吵", "by_name": "居民陈"}, headers=staff), 201
    )
    second_id = second["objections"][1]["id"]
    upheld = ok(
        api.post(
            f"{url}/objections/{second_id}/resolution",
            json={"upheld": True, "note": "情况属实"},
            headers=login("town_admin"),
        )
    )
    assert (upheld["status"], upheld["concluded_on"]) == ("withdrawn", "2026-12-07")
    assert upheld["outcome_reason"] == "objection upheld: 情况属实"
    assert_problem(
        api.post(f"{url}/objections", json={"text": "再提", "by_name": "居民陈"}, headers=staff),
        409,
        "nomination-transition-not-allowed",
    )
    # the place is free again: the volunteer may be nominated anew
    assert ok(nominate(api, staff, programme, li), 201)["status"] == "draft"


def test_four_eyes_whoever_made_or_submitted_it_does_not_approve(
    api, world, login, programme, eligible, today
):
    a = world.committee
    staff, admin = login("staff"), login("tenant_admin")

    own = ok(nominate(api, admin, programme, eligible(a, "张红")), 201)
    ok(api.post(f"/v1/nominations/{own['id']}/submit", headers=admin))
    assert_problem(
        api.post(f"/v1/nominations/{own['id']}/decision", json={"approve": True}, headers=admin),
        403,
        "four-eyes",
    )
    # made by staff, but the admin submitted it: still not the admin's to approve
    submitted_by_admin = ok(nominate(api, staff, programme, eligible(a, "李明")), 201)
    ok(api.post(f"/v1/nominations/{submitted_by_admin['id']}/submit", headers=admin))
    assert_problem(
        api.post(
            f"/v1/nominations/{submitted_by_admin['id']}/decision",
            json={"approve": False, "note": "不妥"},
            headers=admin,
        ),
        403,
        "four-eyes",
    )
    assert ok(api.get(f"/v1/nominations/{own['id']}", headers=staff))["status"] == "submitted"

    # a town or district admin above the committee decides
    approved = ok(
        api.post(f"/v1/nominations/{own['id']}/decision", json={"approve": True}, headers=login("town_admin"))
    )
    assert approved["status"] == "in_notice"
    rejected = ok(
        api.post(
            f"/v1/nominations/{submitted_by_admin['id']}/decision",
            json={"approve": False, "note": "服务记录待核实"},
            headers=login("district_admin"),
        )
    )
    assert (rejected["status"], rejected["outcome_reason"], rejected["concluded_on"]) == (
        "rejected",
        "服务记录待核实",
        "2026-12-01",
    )


def test_places_per_committee_and_one_live_nomination_per_person(
    api, world, login, define, programme, eligible, volunteer, exit_volunteer, today, evaluation_database
):
    a = world.committee
    staff = login("staff")
    first, second, third = eligible(a, "张红"), eligible(a, "李明"), eligible(a, "王五")
    one = ok(nominate(api, staff, programme, first), 201)
    assert_problem(nominate(api, staff, programme, first), 409, "already-nominated")
    ok(nominate(api, staff, programme, second), 201)
    before = counts(evaluation_database, world)
    assert_problem(nominate(api, staff, programme, third), 409, "award-nominees-full")
    # another committee has its own places
    sibling_person = eligible(world.sibling, "乙家人")
    ok(nominate(api, login("sibling_admin"), programme, sibling_person), 201)
    # withdrawing frees a place
    ok(api.post(f"/v1/nominations/{one['id']}/withdraw", json={"reason": "本人谦让"}, headers=staff))
    assert ok(nominate(api, staff, programme, third), 201)["volunteer_name"] == "王五"

    # who may not be nominated, and for what
    unmet = assert_problem(
        nominate(api, staff, programme, volunteer(a, "赵丽")), 422, "award-criteria-not-met"
    )
    assert unmet["unmet"] == ["verified hours 0 < 10.00", "ratings 0 < 2", "average satisfaction None < 4.50"]
    leaver = eligible(a, "周走")
    exit_volunteer(a, leaver)
    quarterly = define(
        login("town_admin"),
        name="季度之星",
        period_kind="quarter",
        max_nominees=5,
        criteria={"min_verified_hours": 5},
    )
    retired = define(login("town_admin"), name="已停评选", max_nominees=5)
    ok(
        api.patch(
            f"/v1/award-programmes/{retired['id']}",
            json={"version": 1, "active": False},
            headers=login("town_admin"),
        )
    )
    other_town = define(login("other_town_admin"), name="二号镇好人")
    sibling_own = define(login("sibling_admin"), name="乙居民区好邻居")
    after = counts(evaluation_database, world)
    for response, status, slug in (
        (nominate(api, staff, programme, leaver), 409, "volunteer-not-active"),
        (nominate(api, staff, programme, uuid.uuid4()), 404, "volunteer-not-found"),
        (nominate(api, staff, programme, sibling_person), 404, "volunteer-not-found"),
        (nominate(api, staff, programme, first, period="2027"), 422, "award-period-not-started"),
        (nominate(api, staff, programme, first, period="2026-Q4"), 422, "award-period-invalid"),
        (nominate(api, staff, quarterly, first, period="2026"), 422, "award-period-invalid"),
        (nominate(api, staff, retired, first), 409, "award-programme-retired"),
        (nominate(api, staff, other_town, first), 404, "award-programme-not-found"),
        (nominate(api, staff, sibling_own, first), 404, "award-programme-not-found"),
        (nominate(api, staff, {"id": str(uuid.uuid4())}, first), 404, "award-programme-not-found"),
    ):
        assert_problem(response, status, slug)
    assert counts(evaluation_database, world) == after
    assert after[0] == before[0] + 2
    # the quarter's service earns the quarter's nomination
    assert (
        ok(nominate(api, staff, quarterly, first, period="2026-Q4"), 201)["evidence"]["verified_hours"] == 6.0
    )


def test_every_other_move_is_refused(api, world, login, programme, eligible, today):
    a = world.committee
    staff, admin = login("staff"), login("tenant_admin")
    draft = ok(nominate(api, staff, programme, eligible(a, "张红")), 201)
    url = f"/v1/nominations/{draft['id']}"
    objection = {"text": "有异议", "by_name": "居民刘"}
    for response in (
        api.post(f"{url}/decision", json={"approve": True}, headers=admin),
        api.post(f"{url}/objections", json=objection, headers=staff),
    ):
        assert_problem(response, 409, "nomination-transition-not-allowed")
    ok(api.post(f"{url}/submit", headers=staff))
    assert_problem(api.post(f"{url}/submit", headers=staff), 409, "nomination-transition-not-allowed")
    assert_problem(api.post(f"{url}/objections", json=objection, headers=staff), 409)
    ok(api.post(f"{url}/decision", json={"approve": True}, headers=admin))
    for response in (
        api.post(f"{url}/submit", headers=staff),
        api.post(f"{url}/decision", json={"approve": False, "note": "改主意"}, headers=admin),
    ):
        assert_problem(response, 409, "nomination-transition-not-allowed")
    # the notice ended on the 7th: objections after it are too late
    today.move(date(2026, 12, 8))
    assert_problem(api.post(f"{url}/objections", json=objection, headers=staff), 409, "notice-over")
    ok(api.post(f"{url}/withdraw", json={"reason": "本人因故退出"}, headers=staff))
    for response in (
        api.post(f"{url}/withdraw", json={"reason": "再撤"}, headers=staff),
        api.post(f"{url}/submit", headers=staff),
        api.post(f"{url}/decision", json={"approve": True}, headers=admin),
    ):
        assert_problem(response, 409, "nomination-transition-not-allowed")

    rejected = ok(nominate(api, staff, programme, eligible(a, "李明")), 201)
    ok(api.post(f"/v1/nominations/{rejected['id']}/submit", headers=staff))
    ok(
        api.post(
            f"/v1/nominations/{rejected['id']}/decision",
            json={"approve": False, "note": "不符"},
            headers=admin,
        )
    )
    assert_problem(
        api.post(f"/v1/nominations/{rejected['id']}/withdraw", json={"reason": "撤回"}, headers=staff), 409
    )


def test_other_committees_nominations_are_not_there(api, world, login, programme, eligible, today):
    a = world.committee
    staff = login("staff")
    nomination = ok(nominate(api, staff, programme, eligible(a, "张红")), 201)
    ok(api.post(f"/v1/nominations/{nomination['id']}/submit", headers=staff))
    url = f"/v1/nominations/{nomination['id']}"
    objection = {"text": "有异议", "by_name": "居民刘"}
    for who in ("sibling_admin", "other_town_admin"):
        headers = login(who)
        assert_problem(api.get(url, headers=headers), 404, "nomination-not-found")
        assert_problem(api.post(f"{url}/decision", json={"approve": True}, headers=headers), 404)
        assert api.get("/v1/nominations", headers=headers).json()["items"] == []
    sibling = login("sibling_admin")
    for response in (
        api.post(f"{url}/submit", headers=sibling),
        api.post(f"{url}/withdraw", json={"reason": "x"}, headers=sibling),
        api.post(f"{url}/objections", json=objection, headers=sibling),
        api.post(
            f"{url}/objections/{uuid.uuid4()}/resolution", json={"upheld": True, "note": "x"}, headers=sibling
        ),
    ):
        assert_problem(response, 404)
    # the town and the district read it; volunteers read no nominations
    for who in ("town_admin", "district_admin", "auditor"):
        assert [item["id"] for item in api.get("/v1/nominations", headers=login(who)).json()["items"]] == [
            nomination["id"]
        ]
    assert_problem(api.get(url, headers=login("volunteer")), 403)
    assert_problem(api.get("/v1/nominations", headers=login("volunteer")), 403)
    # an objection id of another nomination is not this nomination's
    ok(api.post(f"{url}/decision", json={"approve": True}, headers=login("tenant_admin")))
    assert_problem(
        api.post(
            f"{url}/objections/{uuid.uuid4()}/resolution",
            json={"upheld": True, "note": "x"},
            headers=login("tenant_admin"),
        ),
        404,
        "objection-not-found",
    )


def test_nominations_are_listed_newest_first_by_page_and_filter(
    api, world, login, define, programme, eligible, clock, today
):
    a = world.committee
    staff = login("staff")
    wide = define(login("district_admin"), name="年度之星", max_nominees=10, criteria={})
    people = [eligible(a, name) for name in ("甲", "乙", "丙")]
    made = []
    for minute, person in enumerate(people):
        clock.at = clock.at + timedelta(minutes=minute + 1)
        made.append(ok(nominate(api, staff, wide, person), 201)["id"])
    clock.at = clock.at + timedelta(minutes=5)
    other = ok(nominate(api, staff, programme, people[0]), 201)["id"]
    ok(api.post(f"/v1/nominations/{made[1]}/submit", headers=staff))

    first = ok(api.get("/v1/nominations", params={"programme_id": wide["id"], "limit": 2}, headers=staff))
    assert [item["id"] for item in first["items"]] == [made[2], made[1]]
    second = ok(
        api.get(
            "/v1/nominations",
            params={"programme_id": wide["id"], "limit": 2, "cursor": first["next_cursor"]},
            headers=staff,
        )
    )
    assert [item["id"] for item in second["items"]] == [made[0]]
    assert second["next_cursor"] is None
    assert [
        i["id"]
        for i in ok(api.get("/v1/nominations", params={"status": "submitted"}, headers=staff))["items"]
    ] == [made[1]]
    by_person = ok(api.get("/v1/nominations", params={"volunteer_id": str(people[0])}, headers=staff))[
        "items"
    ]
    assert [item["id"] for item in by_person] == [other, made[0]]
    assert ok(api.get("/v1/nominations", params={"period": "2025"}, headers=staff))["items"] == []


def test_bad_nomination_input_writes_nothing(
    api, world, login, programme, eligible, today, evaluation_database
):
    a = world.committee
    staff, admin = login("staff"), login("tenant_admin")
    person = eligible(a, "张红")
    good = {
        "programme_id": programme["id"],
        "period": "2026",
        "volunteer_id": str(person),
        "statement": "好人好事",
    }
    for body in (
        {**good, "period": "26"},
        {**good, "period": 2026},
        {**good, "period": "2026-Q5"},
        {**good, "volunteer_id": "zhang"},
        {**good, "programme_id": None},
        {**good, "statement": ""},
        {**good, "statement": "   "},
        {**good, "statement": "x" * 2001},
        {**good, "statement": "nul\x00"},
        {**good, "status": "submitted"},
        {**good, "evidence": {"verified_hours": 9999}},
        {key: value for key, value in good.items() if key != "statement"},
        {key: value for key, value in good.items() if key != "period"},
        [good],
    ):
        assert_problem(api.post("/v1/nominations", json=body, headers=staff), 422)
    assert_problem(
        api.post("/v1/nominations", content=b"{", headers={**staff, "content-type": "application/json"}), 422
    )
    # only staff nominate
    for role in ("auditor", "volunteer", "town_admin"):
        assert_problem(api.post("/v1/nominations", json=good, headers=login(role)), 403)
    assert counts(evaluation_database, world) == (0, 0)

    nomination = ok(api.post("/v1/nominations", json=good, headers=staff), 201)
    url = f"/v1/nominations/{nomination['id']}"
    ok(api.post(f"{url}/submit", headers=staff))
    for body in (
        {},
        {"approve": "yes"},
        {"approve": 1},
        {"approve": False},
        {"approve": False, "note": "  "},
        {"approve": True, "note": "x" * 501},
        {"approve": True, "by": "me"},
    ):
        assert_problem(api.post(f"{url}/decision", json=body, headers=admin), 422)
    for body in ({}, {"reason": ""}, {"reason": "x" * 501}):
        assert_problem(api.post(f"{url}/withdraw", json=body, headers=staff), 422)
    ok(api.post(f"{url}/decision", json={"approve": True}, headers=admin))
    for body in (
        {"text": "有异议"},
        {"by_name": "居民刘"},
        {"text": "", "by_name": "居民刘"},
        {"text": "x" * 1001, "by_name": "居民刘"},
        {"text": "有异议", "by_name": "两行\n名字"},
        {"text": "有异议", "by_name": "长" * 51},
        {"text": "有异议", "by_name": "居民刘", "status": "upheld"},
    ):
        assert_problem(api.post(f"{url}/objections", json=body, headers=staff), 422)
    objection = ok(
        api.post(f"{url}/objections", json={"text": "有异议", "by_name": "居民刘"}, headers=staff), 201
    )
    resolution = f"{url}/objections/{objection['objections'][0]['id']}/resolution"
    for body in ({}, {"upheld": True}, {"upheld": "true", "note": "x"}, {"upheld": True, "note": ""}):
        assert_problem(api.post(resolution, json=body, headers=admin), 422)
    unchanged = ok(api.get(url, headers=staff))
    assert unchanged["status"] == "in_notice"
    assert unchanged["objections"][0]["status"] == "pending"
    assert counts(evaluation_database, world) == (1, 1)

    for path in (
        "/v1/nominations/not-a-uuid",
        "/v1/nominations?status=approved",
        "/v1/nominations?period=2026-4",
        "/v1/nominations?limit=0",
        "/v1/nominations?limit=201",
        "/v1/nominations?cursor=bm9wZQ",
        "/v1/nominations?programme_id=x",
    ):
        assert_problem(api.get(path, headers=staff), 422)
    assert_problem(api.get(f"/v1/nominations/{uuid.uuid4()}", headers=staff), 404)
    nobody = f"/v1/nominations/{uuid.uuid4()}"
    for response in (
        api.post(f"{nobody}/submit", headers=staff),
        api.post(f"{nobody}/decision", json={"approve": True}, headers=admin),
        api.post(f"{nobody}/withdraw", json={"reason": "撤回"}, headers=staff),
        api.post(f"{nobody}/objections", json={"text": "有异议", "by_name": "居民刘"}, headers=staff),
    ):
        assert_problem(response, 404, "nomination-not-found")
