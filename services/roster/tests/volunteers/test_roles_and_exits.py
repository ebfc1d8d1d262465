"""Stacked roles (多重身份叠加) with a scope and a term; ending a role; exits and re-joining keep history."""

import pytest

from linli_shared.clock import shanghai_today
from linli_shared.problems import PROBLEM_JSON


def register(roster_client, headers, name, phone):
    body = {"name": name, "phone": phone, "joined_on": "2024-03-01", "channel": "organisation_recommended"}
    response = roster_client.post("/v1/volunteers", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def area(roster_client, headers, kind, name, parent=None):
    body = {"kind": kind, "name": name, **({"parent_id": parent} if parent else {})}
    response = roster_client.post("/v1/areas", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def assign(roster_client, headers, volunteer, **body):
    return roster_client.post(
        f"/v1/volunteers/{volunteer}/roles", json={"starts_on": "2025-01-01", **body}, headers=headers
    )


def live_roles(roster_client, headers, volunteer):
    profile = roster_client.get(f"/v1/volunteers/{volunteer}", headers=headers).json()
    return sorted(role["role"] for role in profile["roles"] if role["ended_reason"] is None)


@pytest.fixture
def stage(roster_client, login, sync_directory):
    sync_directory()
    admin = login("tenant_admin")
    grid = area(roster_client, admin, "grid", "一网格")
    micro = area(roster_client, admin, "micro_grid", "一微格", grid)
    building = area(roster_client, admin, "building", "5号楼", micro)
    return {"admin": admin, "grid": grid, "micro": micro, "building": building}


def test_one_person_holds_several_roles(roster_client, stage):
    admin = stage["admin"]
    person = register(roster_client, admin, "周阿姨", "13800000001")
    for body in (
        {"role": "party_group_leader", "scope_note": "第一党小组"},
        {"role": "building_group_leader", "area_id": stage["building"]},
        {"role": "micro_grid_leader", "area_id": stage["micro"]},
        {"role": "deliberation_member", "scope_note": "议事小组"},
        {"role": "mediator", "ends_on": "2027-12-31"},
    ):
        response = assign(roster_client, admin, person, **body)
        assert response.status_code == 200, response.text
    profile = roster_client.get(f"/v1/volunteers/{person}", headers=admin).json()
    assert sorted(role["role"] for role in profile["roles"]) == [
        "building_group_leader",
        "deliberation_member",
        "mediator",
        "micro_grid_leader",
        "party_group_leader",
    ]
    scoped = {role["role"]: role["area_id"] for role in profile["roles"]}
    assert scoped["building_group_leader"] == stage["building"]
    assert scoped["micro_grid_leader"] == stage["micro"]
    for role in ("party_group_leader", "building_group_leader", "micro_grid_leader", "deliberation_member"):
        response = roster_client.get("/v1/volunteers", params={"role": role}, headers=admin).json()
        assert [item["id"] for item in response["items"]] == [person], role


@pytest.mark.parametrize(
    ("role", "where"),
    [
        ("building_group_leader", None),
        ("building_group_leader", "micro"),
        ("building_group_leader", "grid"),
        ("micro_grid_leader", None),
        ("micro_grid_leader", "building"),
        ("micro_grid_leader", "grid"),
    ],
)
def test_spatial_roles_need_the_matching_kind_of_area(roster_client, stage, role, where):
    admin = stage["admin"]
    person = register(roster_client, admin, "吴", "13800000001")
    body = {"role": role, **({"area_id": stage[where]} if where else {})}
    response = assign(roster_client, admin, person, **body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["type"].endswith("invalid-role-scope")
    assert live_roles(roster_client, admin, person) == []


def test_a_role_cannot_be_scoped_to_another_committees_area(roster_client, stage, login):
    sibling = login("sibling_admin")
    foreign_grid = area(roster_client, sibling, "grid", "别家网格")
    foreign_micro = area(roster_client, sibling, "micro_grid", "别家微格", foreign_grid)
    person = register(roster_client, stage["admin"], "吴", "13800000001")
    response = assign(roster_client, stage["admin"], person, role="micro_grid_leader", area_id=foreign_micro)
    assert response.status_code == 422, response.text
    assert live_roles(roster_client, stage["admin"], person) == []


def test_a_term_cannot_end_before_it_starts(roster_client, stage):
    person = register(roster_client, stage["admin"], "吴", "13800000001")
    response = assign(roster_client, stage["admin"], person, role="mediator", ends_on="2024-12-31")
    assert response.status_code == 422, response.text
    assert live_roles(roster_client, stage["admin"], person) == []


def test_ending_a_role_keeps_the_others(roster_client, stage):
    admin = stage["admin"]
    person = register(roster_client, admin, "郑", "13800000001")
    assign(roster_client, admin, person, role="mediator")
    profile = assign(roster_client, admin, person, role="party_group_leader", scope_note="第二党小组").json()
    mediator = next(role["id"] for role in profile["roles"] if role["role"] == "mediator")

    url = f"/v1/volunteers/{person}/roles/{mediator}/end"
    too_early = roster_client.post(url, json={"ends_on": "2024-06-01", "reason": "x"}, headers=admin)
    assert too_early.status_code == 422, too_early.text
    ended = roster_client.post(url, json={"ends_on": "2025-06-30", "reason": "任期届满"}, headers=admin)
    assert ended.status_code == 200, ended.text
    role = next(role for role in ended.json()["roles"] if role["id"] == mediator)
    assert (role["ends_on"], role["ended_reason"]) == ("2025-06-30", "任期届满")
    assert live_roles(roster_client, admin, person) == ["party_group_leader"]
    again = roster_client.post(url, json={"ends_on": "2025-07-01", "reason": "再次"}, headers=admin)
    assert again.status_code == 409
    assert (
        roster_client.get("/v1/volunteers", params={"role": "mediator"}, headers=admin).json()["items"] == []
    )

    history = roster_client.get(f"/v1/volunteers/{person}/history", headers=admin).json()
    assert [(row["change"], row["detail"]) for row in history] == [
        ("registered", "organisation_recommended"),
        ("role_assigned", "mediator"),
        ("role_assigned", "party_group_leader"),
        ("role_ended", "mediator"),
    ]


def test_ending_an_unknown_role_is_not_found(roster_client, stage):
    admin = stage["admin"]
    first = register(roster_client, admin, "甲", "13800000001")
    second = register(roster_client, admin, "乙", "13800000002")
    role = assign(roster_client, admin, first, role="mediator").json()["roles"][0]["id"]
    body = {"ends_on": "2025-06-30", "reason": "x"}
    wrong_person = roster_client.post(f"/v1/volunteers/{second}/roles/{role}/end", json=body, headers=admin)
    assert wrong_person.status_code == 404
    assert wrong_person.json()["type"].endswith("role-not-found")
    assert live_roles(roster_client, admin, first) == ["mediator"]


def test_exit_ends_roles_hides_the_person_and_rejoin_brings_them_back(roster_client, stage):
    admin = stage["admin"]
    person = register(roster_client, admin, "冯", "13800000001")
    stays = register(roster_client, admin, "陈", "13800000002")
    assign(roster_client, admin, person, role="building_group_leader", area_id=stage["building"])
    assign(roster_client, admin, person, role="mediator")

    exited = roster_client.post(
        f"/v1/volunteers/{person}/exit", json={"kind": "dismissed", "reason": "多次无故缺席"}, headers=admin
    )
    assert exited.status_code == 200, exited.text
    assert exited.json()["status"] == "exited"
    assert all(role["ended_reason"] == "exit: dismissed" for role in exited.json()["roles"])
    assert all(role["ends_on"] == shanghai_today().isoformat() for role in exited.json()["roles"])

    def ids(**params):
        return [
            item["id"]
            for item in roster_client.get("/v1/volunteers", params=params, headers=admin).json()["items"]
        ]

    assert ids() == [stays]
    assert ids(status="exited") == [person]
    assert ids(role="mediator") == []
    assert roster_client.get(f"/v1/volunteers/{person}", headers=admin).status_code == 200

    for blocked in (
        ("tier", {"tier": "backbone", "reason": "x"}),
        ("roles", {"role": "mediator", "starts_on": "2025-01-01"}),
        ("exit", {"kind": "voluntary", "reason": "x"}),
    ):
        response = roster_client.post(f"/v1/volunteers/{person}/{blocked[0]}", json=blocked[1], headers=admin)
        assert response.status_code == 409, (blocked, response.text)

    back = roster_client.post(f"/v1/volunteers/{person}/rejoin", json={"reason": "重新申请"}, headers=admin)
    assert back.status_code == 200, back.text
    assert back.json()["status"] == "active"
    assert live_roles(roster_client, admin, person) == [], "roles do not come back with the person"
    assert sorted(ids()) == sorted([person, stays])
    twice = roster_client.post(f"/v1/volunteers/{person}/rejoin", json={"reason": "再次"}, headers=admin)
    assert twice.status_code == 409

    history = roster_client.get(f"/v1/volunteers/{person}/history", headers=admin).json()
    assert [(row["change"], row["detail"], row["reason"]) for row in history] == [
        ("registered", "organisation_recommended", ""),
        ("role_assigned", "building_group_leader", ""),
        ("role_assigned", "mediator", ""),
        ("exited", "dismissed", "多次无故缺席"),
        ("rejoined", "", "重新申请"),
    ]


@pytest.mark.parametrize("kind", ["voluntary", "dismissed", "inactive"])
def test_every_exit_kind_is_accepted(roster_client, stage, kind):
    person = register(roster_client, stage["admin"], "褚", "13800000001")
    response = roster_client.post(
        f"/v1/volunteers/{person}/exit", json={"kind": kind, "reason": "原因"}, headers=stage["admin"]
    )
    assert response.status_code == 200, response.text
    history = roster_client.get(f"/v1/volunteers/{person}/history", headers=stage["admin"]).json()
    assert history[-1]["change"] == "exited"
    assert history[-1]["detail"] == kind


def test_an_exit_does_not_rewrite_a_term_that_already_ran_out(roster_client, stage):
    admin = stage["admin"]
    person = register(roster_client, admin, "卫", "13800000001")
    assign(
        roster_client, admin, person, role="party_group_leader", starts_on="2024-01-01", ends_on="2024-12-31"
    )
    assign(roster_client, admin, person, role="mediator")
    exited = roster_client.post(
        f"/v1/volunteers/{person}/exit", json={"kind": "voluntary", "reason": "年事已高"}, headers=admin
    ).json()
    terms = {role["role"]: (role["ends_on"], role["ended_reason"]) for role in exited["roles"]}
    assert terms == {
        "party_group_leader": ("2024-12-31", None),
        "mediator": (shanghai_today().isoformat(), "exit: voluntary"),
    }
