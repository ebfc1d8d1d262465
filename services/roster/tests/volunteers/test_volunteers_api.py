"""Volunteers through HTTP on the real database: register, update, list (cursor, filters, search), get,
history, tier changes, phone uniqueness, and what each role sees of phones and ID numbers."""

from datetime import timedelta

import psycopg
import pytest
from sqlalchemy.engine import make_url

from linli_shared.clock import shanghai_today
from linli_shared.problems import PROBLEM_JSON

ID_NUMBER = "31011619800101123X"


def register(roster_client, headers, name, phone, **extra):
    body = {"name": name, "phone": phone, "joined_on": "2024-03-01", "channel": "self_recommended", **extra}
    response = roster_client.post("/v1/volunteers", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def area(roster_client, headers, kind, name, parent=None):
    body = {"kind": kind, "name": name, **({"parent_id": parent} if parent else {})}
    response = roster_client.post("/v1/areas", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def names(response):
    assert response.status_code == 200, response.text
    return [item["name"] for item in response.json()["items"]]


def listing(roster_client, headers, **params):
    return roster_client.get("/v1/volunteers", headers=headers, params=params)


@pytest.fixture
def admin(login, sync_directory):
    sync_directory()
    return login("tenant_admin")


def test_register_returns_the_profile_and_get_reads_it_back(roster_client, admin):
    created = register(
        roster_client,
        admin,
        "张阿姨",
        "13800001234",
        id_number=ID_NUMBER.lower(),
        skills=["垃圾分类", "急救"],
        availability="周末上午",
        party_member=True,
        channel="residents_recommended",
    )
    assert created["tier"] == "volunteer"
    assert created["status"] == "active"
    assert created["roles"] == []
    assert created["id_number"] == ID_NUMBER, "the admin sees the full number; a lower-case x is normalised"
    fetched = roster_client.get(f"/v1/volunteers/{created['id']}", headers=admin)
    assert fetched.status_code == 200, fetched.text
    assert {k: v for k, v in fetched.json().items()} == created
    assert fetched.json()["skills"] == ["垃圾分类", "急救"]
    assert fetched.json()["channel"] == "residents_recommended"
    assert fetched.json()["party_member"] is True


def test_update_changes_only_the_given_fields(roster_client, admin):
    building = area(
        roster_client,
        admin,
        "building",
        "3号楼",
        area(roster_client, admin, "micro_grid", "一微格", area(roster_client, admin, "grid", "一网格")),
    )
    volunteer = register(roster_client, admin, "李师傅", "13800000001", availability="晚上")
    response = roster_client.patch(
        f"/v1/volunteers/{volunteer['id']}",
        json={"phone": "13900000002", "building_id": building, "skills": ["消防"]},
        headers=admin,
    )
    assert response.status_code == 200, response.text
    updated = response.json()
    assert (updated["name"], updated["phone"], updated["building_id"]) == ("李师傅", "13900000002", building)
    assert (updated["skills"], updated["availability"]) == (["消防"], "晚上")

    added = roster_client.patch(
        f"/v1/volunteers/{volunteer['id']}", json={"id_number": ID_NUMBER}, headers=admin
    ).json()
    assert added["id_number"] == ID_NUMBER
    cleared = roster_client.patch(
        f"/v1/volunteers/{volunteer['id']}", json={"id_number": None, "building_id": None}, headers=admin
    ).json()
    assert (cleared["id_number"], cleared["building_id"], cleared["phone"]) == (None, None, "13900000002")


def test_a_building_must_be_a_building_of_this_committee(roster_client, admin, login):
    grid = area(roster_client, admin, "grid", "一网格")
    response = roster_client.post(
        "/v1/volunteers",
        json={
            "name": "王",
            "phone": "13800000003",
            "joined_on": "2024-01-01",
            "channel": "self_recommended",
            "building_id": grid,
        },
        headers=admin,
    )
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_JSON
    assert names(listing(roster_client, admin)) == []


def test_cursor_pages_are_disjoint_and_complete(roster_client, admin):
    everyone = [f"志愿者{index:02d}" for index in range(23)] + ["同名", "同名", "同名"]
    for index, name in enumerate(everyone):
        register(roster_client, admin, name, f"1380000{index:04d}")
    seen, pages, cursor = [], 0, None
    while True:
        params = {"limit": 5, **({"cursor": cursor} if cursor else {})}
        page = listing(roster_client, admin, **params)
        assert page.status_code == 200, page.text
        body = page.json()
        assert len(body["items"]) <= 5
        seen += [(item["name"], item["id"]) for item in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 6
    assert len(seen) == len(set(seen)) == len(everyone)
    assert sorted(name for name, _ in seen) == sorted(everyone)
    assert seen == sorted(seen), "pages follow (name, id) order"


def test_a_full_last_page_has_no_cursor(roster_client, admin):
    for index in range(4):
        register(roster_client, admin, f"人{index}", f"1370000{index:04d}")
    first = listing(roster_client, admin, limit=2).json()
    second = listing(roster_client, admin, limit=2, cursor=first["next_cursor"]).json()
    assert [len(first["items"]), len(second["items"])] == [2, 2]
    assert second["next_cursor"] is None


def test_search_by_chinese_name_substring_and_phone_suffix(roster_client, admin):
    register(roster_client, admin, "张秀英", "13800005678")
    register(roster_client, admin, "王秀兰", "13911115678")
    register(roster_client, admin, "李建国", "13722220000")
    register(roster_client, admin, "100%_张", "13733330000")
    assert names(listing(roster_client, admin, name="秀")) == ["张秀英", "王秀兰"]
    assert names(listing(roster_client, admin, name="建国")) == ["李建国"]
    assert names(listing(roster_client, admin, name="%")) == ["100%_张"], "wildcards are literal"
    assert names(listing(roster_client, admin, name="_")) == ["100%_张"]
    assert names(listing(roster_client, admin, phone_suffix="5678")) == ["张秀英", "王秀兰"]
    assert names(listing(roster_client, admin, phone_suffix="0000")) == ["100%_张", "李建国"]
    assert names(listing(roster_client, admin, phone_suffix="15678")) == ["王秀兰"]
    assert names(listing(roster_client, admin, name="秀", phone_suffix="15678")) == ["王秀兰"]
    assert names(listing(roster_client, admin, name="不存在")) == []


def test_filters_by_tier_role_area_and_status(roster_client, admin):
    grid = area(roster_client, admin, "grid", "一网格")
    micro = area(roster_client, admin, "micro_grid", "一微格", grid)
    building = area(roster_client, admin, "building", "1号楼", micro)
    other_micro = area(roster_client, admin, "micro_grid", "二微格", grid)
    other_building = area(roster_client, admin, "building", "9号楼", other_micro)
    other_grid = area(roster_client, admin, "grid", "二网格")

    backbone = register(roster_client, admin, "甲", "13800000001", building_id=building)
    leader = register(roster_client, admin, "乙", "13800000002", building_id=other_building)
    register(roster_client, admin, "丙", "13800000003")
    leaving = register(roster_client, admin, "丁", "13800000004", building_id=building)

    tier = roster_client.post(
        f"/v1/volunteers/{backbone['id']}/tier",
        json={"tier": "backbone", "reason": "表现突出"},
        headers=admin,
    )
    assert tier.status_code == 200, tier.text
    role = roster_client.post(
        f"/v1/volunteers/{leader['id']}/roles",
        json={"role": "micro_grid_leader", "area_id": other_micro, "starts_on": "2025-01-01"},
        headers=admin,
    )
    assert role.status_code == 200, role.text
    gone = roster_client.post(
        f"/v1/volunteers/{leaving['id']}/exit", json={"kind": "voluntary", "reason": "搬家"}, headers=admin
    )
    assert gone.status_code == 200, gone.text

    assert names(listing(roster_client, admin)) == ["丙", "乙", "甲"]
    assert names(listing(roster_client, admin, tier="backbone")) == ["甲"]
    assert names(listing(roster_client, admin, tier="volunteer")) == ["丙", "乙"]
    assert names(listing(roster_client, admin, tier="reserve")) == []
    assert names(listing(roster_client, admin, role="micro_grid_leader")) == ["乙"]
    assert names(listing(roster_client, admin, role="mediator")) == []
    assert names(listing(roster_client, admin, area_id=building)) == ["甲"]
    assert names(listing(roster_client, admin, area_id=micro)) == ["甲"]
    assert names(listing(roster_client, admin, area_id=grid)) == ["乙", "甲"]
    assert names(listing(roster_client, admin, area_id=other_grid)) == []
    assert names(listing(roster_client, admin, status="exited")) == ["丁"]
    assert names(listing(roster_client, admin, status="exited", area_id=building)) == ["丁"]


def test_a_role_with_a_future_term_end_is_still_held(roster_client, admin):
    person = register(roster_client, admin, "甲", "13800000001")
    ends = (shanghai_today() + timedelta(days=365)).isoformat()
    response = roster_client.post(
        f"/v1/volunteers/{person['id']}/roles",
        json={"role": "mediator", "starts_on": "2025-01-01", "ends_on": ends},
        headers=admin,
    )
    assert response.status_code == 200, response.text
    assert names(listing(roster_client, admin, role="mediator")) == ["甲"]


def test_tier_changes_are_kept_in_the_history(roster_client, admin, world):
    person = register(roster_client, admin, "甲", "13800000001")
    url = f"/v1/volunteers/{person['id']}"
    for tier, reason in (("backbone", "带头作用"), ("reserve", "储备")):
        response = roster_client.post(f"{url}/tier", json={"tier": tier, "reason": reason}, headers=admin)
        assert response.status_code == 200, response.text
        assert response.json()["tier"] == tier
    same = roster_client.post(f"{url}/tier", json={"tier": "reserve", "reason": "重复"}, headers=admin)
    assert same.status_code == 409
    assert same.headers["content-type"] == PROBLEM_JSON

    history = roster_client.get(f"{url}/history", headers=admin)
    assert history.status_code == 200, history.text
    changes = [(row["change"], row["detail"], row["reason"]) for row in history.json()]
    assert changes == [
        ("registered", "self_recommended", ""),
        ("tier_changed", "backbone", "带头作用"),
        ("tier_changed", "reserve", "储备"),
    ]
    assert all(row["by_user"] for row in history.json())


def test_a_phone_is_unique_among_the_committees_active_volunteers(roster_client, admin, login):
    first = register(roster_client, admin, "甲", "13800000001")
    taken = roster_client.post(
        "/v1/volunteers",
        json={"name": "乙", "phone": "13800000001", "joined_on": "2024-01-01", "channel": "self_recommended"},
        headers=admin,
    )
    assert taken.status_code == 409
    assert taken.json()["type"].endswith("phone-taken")
    second = register(roster_client, admin, "乙", "13800000002")
    patched = roster_client.patch(
        f"/v1/volunteers/{second['id']}", json={"phone": "13800000001"}, headers=admin
    )
    assert patched.status_code == 409
    assert roster_client.get(f"/v1/volunteers/{second['id']}", headers=admin).json()["phone"] == "13800000002"
    assert names(listing(roster_client, admin)) == ["乙", "甲"]

    # another committee may have a volunteer with the same phone
    register(roster_client, login("sibling_admin"), "丙", "13800000001")
    # an exited volunteer frees the number; re-joining while someone else has it is a conflict
    roster_client.post(
        f"/v1/volunteers/{first['id']}/exit", json={"kind": "voluntary", "reason": "离开"}, headers=admin
    )
    newcomer = register(roster_client, admin, "丁", "13800000001")
    rejoin = roster_client.post(
        f"/v1/volunteers/{first['id']}/rejoin", json={"reason": "回来"}, headers=admin
    )
    assert rejoin.status_code == 409
    assert roster_client.get(f"/v1/volunteers/{first['id']}", headers=admin).json()["status"] == "exited"
    assert newcomer["phone"] == "13800000001"


def test_what_each_role_sees_of_phones_and_id_numbers(roster_client, admin, login):
    person = register(roster_client, admin, "甲", "13812345678", id_number=ID_NUMBER)
    masked_id = "**************123X"
    url = f"/v1/volunteers/{person['id']}"
    seen = {}
    for key in ("tenant_admin", "staff", "auditor", "town_admin", "district_admin"):
        headers = login(key)
        listed = listing(roster_client, headers).json()["items"]
        single = roster_client.get(url, headers=headers)
        assert single.status_code == 200, (key, single.text)
        assert [item["id"] for item in listed] == [person["id"]], key
        seen[key] = (
            listed[0]["phone"],
            listed[0]["id_number"],
            single.json()["phone"],
            single.json()["id_number"],
        )
    assert seen == {
        "tenant_admin": ("13812345678", masked_id, "13812345678", ID_NUMBER),
        "staff": ("13812345678", masked_id, "13812345678", masked_id),
        "auditor": ("138****5678", masked_id, "138****5678", masked_id),
        "town_admin": ("138****5678", masked_id, "138****5678", masked_id),
        "district_admin": ("138****5678", masked_id, "138****5678", masked_id),
    }
    # what a write returns follows the same rules as a read
    staff_view = roster_client.patch(url, json={"availability": "随时"}, headers=login("staff")).json()
    assert staff_view["id_number"] == masked_id


def test_the_stored_id_number_is_never_plaintext(
    roster_client, admin, postgres_admin_url, roster_urls, roster_settings
):
    person = register(roster_client, admin, "甲", "13812345678", id_number=ID_NUMBER)
    database = make_url(roster_urls.app).database
    url = make_url(postgres_admin_url).set(database=database).render_as_string(hide_password=False)
    with psycopg.connect(url) as connection:
        row = connection.execute(
            "select id_number_sealed, id_number_hint, t.* from volunteers t where id = %s", (person["id"],)
        ).fetchone()
        everything = connection.execute(
            "select t::text from volunteers t where id = %s", (person["id"],)
        ).fetchone()[0]
    sealed, hint = bytes(row[0]), row[1]
    assert hint == "123X"
    assert ID_NUMBER.encode() not in sealed
    assert ID_NUMBER not in everything
    assert ID_NUMBER.encode().hex() not in everything
    assert sealed.startswith(roster_settings.id_number_keys.split(":")[0].encode() + b":")


def test_town_admin_reads_its_committees_but_cannot_write(roster_client, admin, login):
    person = register(roster_client, admin, "甲", "13800000001")
    town = login("town_admin")
    assert names(listing(roster_client, town)) == ["甲"]
    assert roster_client.get(f"/v1/volunteers/{person['id']}/history", headers=town).status_code == 200
    assert roster_client.get("/v1/areas", headers=town).status_code == 200
    for method, path, body in (
        (
            "POST",
            "/v1/volunteers",
            {"name": "乙", "phone": "13800000002", "joined_on": "2024-01-01", "channel": "self_recommended"},
        ),
        ("PATCH", f"/v1/volunteers/{person['id']}", {"name": "改"}),
        ("POST", f"/v1/volunteers/{person['id']}/tier", {"tier": "backbone", "reason": "x"}),
        ("POST", "/v1/areas", {"kind": "grid", "name": "网格"}),
    ):
        response = roster_client.request(method, path, json=body, headers=town)
        assert response.status_code == 403, (method, path, response.text)
    other_town = login("other_town_admin")
    assert names(listing(roster_client, other_town)) == []
    assert roster_client.get(f"/v1/volunteers/{person['id']}", headers=other_town).status_code == 404


def test_auditors_and_volunteers_cannot_write_and_volunteers_cannot_read(roster_client, admin, login):
    person = register(roster_client, admin, "甲", "13800000001")
    for key in ("auditor", "volunteer"):
        headers = login(key)
        for method, path, body in (
            (
                "POST",
                "/v1/volunteers",
                {
                    "name": "乙",
                    "phone": "13800000002",
                    "joined_on": "2024-01-01",
                    "channel": "self_recommended",
                },
            ),
            ("PATCH", f"/v1/volunteers/{person['id']}", {"name": "改"}),
            ("POST", f"/v1/volunteers/{person['id']}/exit", {"kind": "dismissed", "reason": "x"}),
            ("POST", f"/v1/volunteers/{person['id']}/roles", {"role": "mediator", "starts_on": "2025-01-01"}),
        ):
            response = roster_client.request(method, path, json=body, headers=headers)
            assert response.status_code == 403, (key, method, path, response.text)
            assert response.headers["content-type"] == PROBLEM_JSON
    volunteer = login("volunteer")
    for path in (
        "/v1/volunteers",
        f"/v1/volunteers/{person['id']}",
        f"/v1/volunteers/{person['id']}/history",
        "/v1/areas",
        "/v1/areas/coverage-gaps",
    ):
        assert roster_client.get(path, headers=volunteer).status_code == 403, path
    assert names(listing(roster_client, admin)) == ["甲"]
    assert roster_client.get(f"/v1/volunteers/{person['id']}", headers=admin).json()["name"] == "甲"
