"""需求识别 and candidates: needs, the four channels, decisions, acceptance registering the volunteer."""

from linli_shared.clock import shanghai_today


def test_need_lifecycle(recruit):
    admin, staff, auditor = recruit.login("tenant_admin"), recruit.login("staff"), recruit.login("auditor")
    client = recruit.client
    need = recruit.need(staff, required_skill="急救", required_role="building_group_leader")
    assert need["status"] == "open"
    assert (need["headcount"], need["accepted"], need["candidates"]) == (2, 0, 0)
    assert need["required_role"] == "building_group_leader"

    other = recruit.need(admin, title="5名急救员", headcount=5)
    listed = client.get("/v1/recruitment/needs", headers=auditor).json()
    assert [item["id"] for item in listed["items"]] == [other["id"], need["id"]], "newest first"
    first = client.get("/v1/recruitment/needs?limit=1", headers=auditor).json()
    assert [item["id"] for item in first["items"]] == [other["id"]]
    rest = client.get(f"/v1/recruitment/needs?limit=1&cursor={first['next_cursor']}", headers=auditor).json()
    assert [item["id"] for item in rest["items"]] == [need["id"]]
    assert rest["next_cursor"] is None

    updated = client.patch(
        f"/v1/recruitment/needs/{need['id']}",
        json={"title": "3–8号楼楼组长", "headcount": 3, "required_skill": None},
        headers=staff,
    )
    assert updated.status_code == 200, updated.text
    assert (updated.json()["title"], updated.json()["headcount"]) == ("3–8号楼楼组长", 3)
    assert updated.json()["required_skill"] is None
    assert updated.json()["required_role"] == "building_group_leader", "unset fields stay"

    closed = client.post(
        f"/v1/recruitment/needs/{need['id']}/close", json={"reason": "已找到"}, headers=staff
    )
    assert closed.status_code == 200
    assert (closed.json()["status"], closed.json()["closed_reason"]) == ("closed", "已找到")
    again = client.post(f"/v1/recruitment/needs/{need['id']}/close", json={"reason": "x"}, headers=staff)
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    assert (
        client.patch(f"/v1/recruitment/needs/{need['id']}", json={"headcount": 9}, headers=staff).status_code
        == 409
    )
    response = client.post(
        "/v1/recruitment/candidates",
        json={"name": "晚来", "phone": recruit.phone(), "channel": "self_recommended", "need_id": need["id"]},
        headers=staff,
    )
    assert response.status_code == 409, "a closed need takes no candidates"
    assert [
        item["id"]
        for item in client.get("/v1/recruitment/needs?status=closed", headers=staff).json()["items"]
    ] == [need["id"]]

    opened = recruit.events_of("linli.roster.need.opened.v1")
    assert [event["data"]["need_id"] for event in opened] == [need["id"], other["id"]]
    assert opened[0]["data"]["required_skill"] == "急救"
    (closed_event,) = recruit.events_of("linli.roster.need.closed.v1")
    assert closed_event["data"] == {"need_id": need["id"], "reason": "已找到", "accepted": 0}
    assert closed_event["subject"] == need["id"]


def test_channels_and_their_details(recruit):
    staff = recruit.login("staff")
    need = recruit.need(staff)
    organisation = recruit.candidate(
        staff, need_id=need["id"], channel="organisation_recommended", recommending_organisation="第三党支部"
    )
    assert organisation["recommending_organisation"] == "第三党支部"
    residents = recruit.candidate(
        staff,
        need_id=need["id"],
        channel="residents_recommended",
        recommenders=[{"name": "张阿姨", "building": "5号楼"}, {"name": "赵师傅", "building": "6号楼"}],
        notes="热心",
    )
    assert [person["building"] for person in residents["recommenders"]] == ["5号楼", "6号楼"]
    two_way = recruit.candidate(staff, channel="two_way_selection")
    assert two_way["need_id"] is None
    assert two_way["status"] == "pending"

    bad = (
        {"channel": "organisation_recommended"},
        {"channel": "self_recommended", "recommending_organisation": "居委会"},
        {"channel": "residents_recommended", "recommenders": [{"name": "张阿姨", "building": "5号楼"}]},
        {
            "channel": "self_recommended",
            "recommenders": [{"name": "a", "building": "b"}, {"name": "c", "building": "d"}],
        },
        {
            "channel": "residents_recommended",
            "recommenders": [{"name": "张", "building": "5"}, {"name": "赵"}],
        },
        {"channel": "imported"},
    )
    for fields in bad:
        body = {"name": "某人", "phone": recruit.phone(), **fields}
        response = recruit.client.post("/v1/recruitment/candidates", json=body, headers=staff)
        assert response.status_code == 422, fields
        assert response.headers["content-type"] == "application/problem+json"

    listed = recruit.client.get(f"/v1/recruitment/candidates?need_id={need['id']}", headers=staff).json()
    assert {item["id"] for item in listed["items"]} == {organisation["id"], residents["id"]}
    unlinked = recruit.client.get("/v1/recruitment/candidates?unlinked=true", headers=staff).json()
    assert [item["id"] for item in unlinked["items"]] == [two_way["id"]]


def test_same_person_twice_for_one_need_is_a_conflict(recruit):
    staff = recruit.login("staff")
    need = recruit.need(staff)
    number = recruit.phone()
    recruit.candidate(staff, need_id=need["id"], phone=number)
    response = recruit.client.post(
        "/v1/recruitment/candidates",
        json={"name": "又来", "phone": number, "channel": "self_recommended", "need_id": need["id"]},
        headers=staff,
    )
    assert response.status_code == 409
    assert response.json()["type"].endswith("/candidate-exists")
    assert recruit.candidate(staff, phone=number)["need_id"] is None, "another need (or none) is fine"


def test_accepting_registers_the_volunteer_and_fills_the_need(recruit):
    admin, staff = recruit.login("tenant_admin"), recruit.login("staff")
    client = recruit.client
    need = recruit.need(staff, headcount=1)
    chosen = recruit.candidate(
        staff,
        name="陈联荐",
        need_id=need["id"],
        channel="residents_recommended",
        recommenders=[{"name": "张阿姨", "building": "5号楼"}, {"name": "赵师傅", "building": "6号楼"}],
    )
    second = recruit.candidate(staff, name="周后备", need_id=need["id"])

    accepted = recruit.decide(staff, chosen["id"], "accepted", "群众基础好")
    assert accepted.status_code == 200, accepted.text
    body = accepted.json()
    assert body["status"] == "accepted"
    assert body["volunteer_id"]
    assert [(item["decision"], item["reason"]) for item in body["decisions"]] == [("accepted", "群众基础好")]
    volunteer = client.get(f"/v1/volunteers/{body['volunteer_id']}", headers=admin).json()
    assert (volunteer["name"], volunteer["phone"]) == ("陈联荐", chosen["phone"])
    assert volunteer["channel"] == "residents_recommended", "the channel is carried over"
    assert volunteer["joined_on"] == shanghai_today().isoformat()
    assert volunteer["tier"] == "volunteer"

    filled = client.get(f"/v1/recruitment/needs/{need['id']}", headers=staff).json()
    assert (filled["status"], filled["accepted"], filled["candidates"]) == ("filled", 1, 2)
    refused = recruit.decide(staff, second["id"], "accepted")
    assert refused.status_code == 409
    assert refused.json()["type"].endswith("/need-filled")
    assert recruit.decide(staff, second["id"], "reserve", "储备").status_code == 200
    more = client.patch(f"/v1/recruitment/needs/{need['id']}", json={"headcount": 2}, headers=staff).json()
    assert more["status"] == "open", "a larger headcount reopens the need"
    from_reserve = recruit.decide(staff, second["id"], "accepted", "补位")
    assert from_reserve.status_code == 200, from_reserve.text
    assert [item["decision"] for item in from_reserve.json()["decisions"]] == ["reserve", "accepted"]
    assert client.get(f"/v1/recruitment/needs/{need['id']}", headers=staff).json()["status"] == "filled"

    assert recruit.decide(staff, chosen["id"], "declined").status_code == 409, "accepted is final"
    decided = recruit.events_of("linli.roster.candidate.decided.v1")
    assert [event["data"]["decision"] for event in decided] == ["accepted", "reserve", "accepted"]
    assert decided[0]["data"]["volunteer_id"] == body["volunteer_id"]
    assert decided[0]["data"]["channel"] == "residents_recommended"
    registered = recruit.events_of("linli.roster.volunteer.registered.v1")
    assert body["volunteer_id"] in {event["subject"] for event in registered}
    for event in recruit.events():
        assert chosen["phone"] not in str(event["data"]), "no phone numbers in events"


def test_decline_and_reserve_pool(recruit):
    staff = recruit.login("staff")
    declined = recruit.candidate(staff)
    response = recruit.decide(staff, declined["id"], "declined", "时间不允许")
    assert response.status_code == 200
    assert response.json()["volunteer_id"] is None
    assert recruit.decide(staff, declined["id"], "accepted").status_code == 409
    pooled = recruit.candidate(staff)
    assert recruit.decide(staff, pooled["id"], "reserve", "先储备").status_code == 200
    assert recruit.decide(staff, pooled["id"], "reserve", "再储备").status_code == 409
    pool = recruit.client.get("/v1/recruitment/candidates?status=reserve", headers=staff).json()
    assert [item["id"] for item in pool["items"]] == [pooled["id"]]
    for bad in (
        {"decision": "pending", "reason": "x"},
        {"decision": "accepted"},
        {"decision": "accepted", "reason": ""},
    ):
        response = recruit.client.post(
            f"/v1/recruitment/candidates/{pooled['id']}/decision", json=bad, headers=staff
        )
        assert response.status_code == 422, bad


def test_accepting_a_phone_already_on_the_roster_writes_nothing(recruit):
    staff = recruit.login("staff")
    existing = recruit.volunteer(staff, "已在册")
    candidate = recruit.candidate(staff, phone=existing["phone"])
    response = recruit.decide(staff, candidate["id"], "accepted", "同意")
    assert response.status_code == 409
    assert response.json()["type"].endswith("/phone-taken")
    after = recruit.client.get(f"/v1/recruitment/candidates/{candidate['id']}", headers=staff).json()
    assert (after["status"], after["volunteer_id"], after["decisions"]) == ("pending", None, [])
    assert recruit.events_of("linli.roster.candidate.decided.v1") == []


def test_phones_masked_for_readers_and_roles(recruit):
    staff, auditor, town = recruit.login("staff"), recruit.login("auditor"), recruit.login("town_admin")
    candidate = recruit.candidate(staff)
    seen = recruit.client.get(f"/v1/recruitment/candidates/{candidate['id']}", headers=auditor).json()
    assert seen["phone"] == candidate["phone"][:3] + "****" + candidate["phone"][-4:]
    assert (
        recruit.client.get(f"/v1/recruitment/candidates/{candidate['id']}", headers=town).status_code == 200
    )
    for key in ("auditor", "town_admin", "volunteer"):
        headers = recruit.login(key)
        assert (
            recruit.client.post(
                "/v1/recruitment/needs", json={"title": "x", "headcount": 1}, headers=headers
            ).status_code
            == 403
        )
        assert recruit.decide(headers, candidate["id"], "accepted").status_code == 403
    assert recruit.client.get("/v1/recruitment/needs", headers=recruit.login("volunteer")).status_code == 403
    assert recruit.client.get("/v1/recruitment/needs").status_code == 401
    assert recruit.events_of("linli.roster.candidate.decided.v1") == []
