"""Bad input, other committees' ids, and the event contracts of recruitment."""

from datetime import timedelta
from pathlib import Path

import jsonschema

from linli_roster.events.recruitment import RECRUITMENT_EVENTS
from linli_roster.events.types import ALL_EVENTS
from linli_roster.protection import IdNumberCipher
from linli_roster.recruitment.tasks import apply_due_notices
from linli_shared.clock import shanghai_today
from linli_shared.events.schemas import load_schema, stale_schemas

SCHEMAS = Path(__file__).resolve().parents[2] / "src" / "linli_roster" / "events" / "schemas"
PROBLEM = "application/problem+json"


def test_bad_input_is_refused_and_writes_nothing(recruit):
    staff = recruit.login("staff")
    client = recruit.client
    need = recruit.need(staff)
    candidate = recruit.candidate(staff, need_id=need["id"])
    notice = recruit.notice(staff, recruit.volunteer(staff)["id"])
    before = len(recruit.events())
    good_need = {"title": "楼组长", "headcount": 1}
    good_candidate = {"name": "某人", "phone": recruit.phone(), "channel": "self_recommended"}
    cases = [
        ("post", "/v1/recruitment/needs", {**good_need, "headcount": 0}),
        ("post", "/v1/recruitment/needs", {**good_need, "headcount": "many"}),
        ("post", "/v1/recruitment/needs", {**good_need, "title": "x" * 101}),
        ("post", "/v1/recruitment/needs", {**good_need, "title": "nul\x00"}),
        ("post", "/v1/recruitment/needs", {**good_need, "status": "filled"}),
        ("post", "/v1/recruitment/needs", {**good_need, "required_role": "mayor"}),
        ("post", "/v1/recruitment/needs", {**good_need, "description": "x" * 2001}),
        ("post", "/v1/recruitment/needs", [good_need]),
        ("patch", f"/v1/recruitment/needs/{need['id']}", {"headcount": 501}),
        ("patch", f"/v1/recruitment/needs/{need['id']}", {"status": "closed"}),
        ("post", f"/v1/recruitment/needs/{need['id']}/close", {}),
        ("post", f"/v1/recruitment/needs/{need['id']}/close", {"reason": "x" * 501}),
        ("post", "/v1/recruitment/candidates", {**good_candidate, "phone": "12345"}),
        ("post", "/v1/recruitment/candidates", {**good_candidate, "name": ""}),
        ("post", "/v1/recruitment/candidates", {**good_candidate, "notes": "x" * 1001}),
        ("post", "/v1/recruitment/candidates", {**good_candidate, "need_id": "not-a-uuid"}),
        ("post", "/v1/recruitment/candidates", {**good_candidate, "volunteer_id": need["id"]}),
        ("post", "/v1/recruitment/candidates", {**good_candidate, "status": "accepted"}),
        (
            "post",
            f"/v1/recruitment/candidates/{candidate['id']}/decision",
            {"decision": "yes", "reason": "x"},
        ),
        ("post", f"/v1/recruitment/candidates/{candidate['id']}/scores", {"eligibility": [], "scores": {}}),
        (
            "post",
            f"/v1/recruitment/candidates/{candidate['id']}/scores",
            {"eligibility": {}, "scores": {"political": -1}},
        ),
        (
            "post",
            f"/v1/recruitment/candidates/{candidate['id']}/scores",
            {"eligibility": {}, "scores": {"political": "高"}},
        ),
        ("post", "/v1/recruitment/criteria", {"items": [{"key": "a", "text": "x" * 201}]}),
        ("post", "/v1/recruitment/criteria", {"items": [{"key": "a", "text": "甲", "weight": 1}]}),
        ("post", "/v1/recruitment/notices", {"volunteer_id": "123"}),
        ("post", f"/v1/recruitment/notices/{notice['id']}/objections", {"text": "", "from_whom": "某"}),
        (
            "post",
            f"/v1/recruitment/notices/{notice['id']}/objections",
            {"text": "x" * 1001, "from_whom": "某"},
        ),
        ("post", f"/v1/recruitment/notices/{notice['id']}/objections", {"text": "有意见"}),
        ("post", f"/v1/recruitment/notices/{notice['id']}/withdraw", {"reason": 5}),
    ]
    for method, path, body in cases:
        response = getattr(client, method)(path, json=body, headers=staff)
        assert response.status_code == 422, (path, body, response.text)
        assert response.headers["content-type"] == PROBLEM
    for path in ("/v1/recruitment/needs", "/v1/recruitment/candidates", "/v1/recruitment/notices"):
        response = client.post(
            path, content=b"{not json", headers={**staff, "content-type": "application/json"}
        )
        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM
        for query in ("?cursor=%%%", "?limit=0", "?limit=201", "?status=maybe"):
            response = client.get(path + query, headers=staff)
            assert response.status_code == 422, path + query
            assert response.headers["content-type"] == PROBLEM
    for path in (
        "/v1/recruitment/needs/not-a-uuid",
        "/v1/recruitment/needs/1/ranking",
        "/v1/recruitment/candidates/not-a-uuid",
        "/v1/recruitment/candidates/not-a-uuid/scores",
        "/v1/recruitment/notices/not-a-uuid",
    ):
        assert client.get(path, headers=staff).status_code == 422, path

    assert len(recruit.events()) == before
    assert client.get(f"/v1/recruitment/needs/{need['id']}", headers=staff).json()["status"] == "open"
    after = client.get(f"/v1/recruitment/candidates/{candidate['id']}", headers=staff).json()
    assert (after["status"], after["score"], after["decisions"]) == ("pending", None, [])
    assert client.get(f"/v1/recruitment/notices/{notice['id']}", headers=staff).json()["objections"] == []
    assert client.get("/v1/recruitment/criteria", headers=staff).json() == []
    assert len(client.get("/v1/recruitment/needs", headers=staff).json()["items"]) == 1
    assert len(client.get("/v1/recruitment/candidates", headers=staff).json()["items"]) == 1


def test_other_committees_ids_are_not_found(recruit):
    staff, sibling = recruit.login("staff"), recruit.login("sibling_admin")
    client = recruit.client
    need = recruit.need(staff)
    candidate = recruit.candidate(staff, need_id=need["id"])
    notice = client.post(
        f"/v1/recruitment/notices/{recruit.notice(staff, recruit.volunteer(staff)['id'])['id']}/objections",
        json={"text": "有意见", "from_whom": "某居民"},
        headers=staff,
    ).json()
    objection = notice["objections"][0]
    volunteer = recruit.volunteer(staff, "本会志愿者")
    score = {"eligibility": {}, "scores": {}}
    requests = [
        ("get", f"/v1/recruitment/needs/{need['id']}", None),
        ("patch", f"/v1/recruitment/needs/{need['id']}", {"headcount": 9}),
        ("post", f"/v1/recruitment/needs/{need['id']}/close", {"reason": "别家关"}),
        ("get", f"/v1/recruitment/needs/{need['id']}/ranking", None),
        ("get", f"/v1/recruitment/candidates/{candidate['id']}", None),
        (
            "post",
            f"/v1/recruitment/candidates/{candidate['id']}/decision",
            {"decision": "accepted", "reason": "x"},
        ),
        ("post", f"/v1/recruitment/candidates/{candidate['id']}/scores", score),
        ("get", f"/v1/recruitment/candidates/{candidate['id']}/scores", None),
        (
            "post",
            "/v1/recruitment/candidates",
            {"name": "某", "phone": recruit.phone(), "channel": "self_recommended", "need_id": need["id"]},
        ),
        ("get", f"/v1/recruitment/notices/{notice['id']}", None),
        ("post", f"/v1/recruitment/notices/{notice['id']}/objections", {"text": "别家", "from_whom": "某"}),
        (
            "post",
            f"/v1/recruitment/notices/{notice['id']}/objections/{objection['id']}/ruling",
            {"status": "upheld", "note": "别家"},
        ),
        ("post", f"/v1/recruitment/notices/{notice['id']}/withdraw", {"reason": "别家"}),
        ("post", "/v1/recruitment/notices", {"volunteer_id": volunteer["id"]}),
    ]
    before = len(recruit.events())
    for method, path, body in requests:
        kwargs = {"json": body} if body is not None else {}
        response = getattr(client, method)(path, headers=sibling, **kwargs)
        assert response.status_code == 404, (method, path, response.text)
        assert response.headers["content-type"] == PROBLEM
    # an objection id of another notice (here: the sibling's own) is not found under ours
    foreign = recruit.notice(sibling, recruit.volunteer(sibling, "别家志愿者")["id"])
    foreign = client.post(
        f"/v1/recruitment/notices/{foreign['id']}/objections",
        json={"text": "别家意见", "from_whom": "某"},
        headers=sibling,
    ).json()
    response = client.post(
        f"/v1/recruitment/notices/{notice['id']}/objections/{foreign['objections'][0]['id']}/ruling",
        json={"status": "upheld", "note": "x"},
        headers=recruit.login("tenant_admin"),
    )
    assert response.status_code == 404
    assert client.get("/v1/recruitment/needs", headers=sibling).json()["items"] == []
    assert client.get("/v1/recruitment/candidates", headers=sibling).json()["items"] == []
    assert [
        item["id"] for item in client.get("/v1/recruitment/notices", headers=sibling).json()["items"]
    ] == [foreign["id"]]
    assert (
        client.get("/v1/recruitment/needs", headers=recruit.login("other_town_admin")).json()["items"] == []
    )
    town = client.get("/v1/recruitment/needs", headers=recruit.login("town_admin")).json()["items"]
    assert [item["id"] for item in town] == [need["id"]], "the town reads its committees"
    added = [event["type"] for event in recruit.events()[before:]]
    assert added == ["linli.roster.volunteer.registered.v1", "linli.roster.promotion_notice.opened.v1"], (
        "only the sibling's own volunteer and notice were published"
    )
    untouched = client.get(f"/v1/recruitment/notices/{notice['id']}", headers=staff).json()
    assert (untouched["status"], len(untouched["objections"])) == ("open", 1)
    assert client.get(f"/v1/recruitment/needs/{need['id']}", headers=staff).json()["headcount"] == 2


def test_committed_schemas_match_the_payload_models():
    assert stale_schemas(RECRUITMENT_EVENTS, SCHEMAS) == [], "run `linli-roster export-schemas`"
    assert set(RECRUITMENT_EVENTS) <= set(ALL_EVENTS)


def test_every_recruitment_event_matches_its_committed_schema(recruit):
    staff, admin = recruit.login("staff"), recruit.login("tenant_admin")
    client = recruit.client
    need = recruit.need(staff, headcount=1)
    accepted = recruit.candidate(staff, need_id=need["id"])
    recruit.decide(staff, accepted["id"], "accepted", "同意")
    recruit.decide(staff, recruit.candidate(staff)["id"], "declined", "不合适")
    client.post(f"/v1/recruitment/needs/{need['id']}/close", json={"reason": "完成"}, headers=staff)
    effective = recruit.notice(staff, recruit.volunteer(staff, "甲")["id"], period_days=1)
    rejected = recruit.notice(staff, recruit.volunteer(staff, "乙")["id"])
    withdrawn = recruit.notice(staff, recruit.volunteer(staff, "丙")["id"])
    objection = client.post(
        f"/v1/recruitment/notices/{rejected['id']}/objections",
        json={"text": "有意见", "from_whom": "居民"},
        headers=staff,
    ).json()["objections"][0]
    client.post(
        f"/v1/recruitment/notices/{rejected['id']}/objections/{objection['id']}/ruling",
        json={"status": "upheld", "note": "属实"},
        headers=admin,
    )
    client.post(f"/v1/recruitment/notices/{withdrawn['id']}/withdraw", json={"reason": "撤回"}, headers=staff)
    world = recruit.world
    assert (
        apply_due_notices(
            recruit.database,
            world.committee.id,
            world.committee.path,
            shanghai_today() + timedelta(days=1),
            IdNumberCipher(recruit.settings.id_number_keys),
        )
        == 1
    )
    assert (
        client.get(f"/v1/recruitment/notices/{effective['id']}", headers=staff).json()["status"]
        == "effective"
    )

    ours = {spec.type for spec in RECRUITMENT_EVENTS}
    seen = set()
    for event in recruit.events():
        jsonschema.validate(event, load_schema(SCHEMAS, event["type"]))
        seen.add(event["type"])
    assert ours <= seen
