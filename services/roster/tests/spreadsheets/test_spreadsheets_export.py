"""Exporting the roster to .xlsx: Chinese headers and labels, real dates, stacked roles, masking by role,
the list's filters, and each reader's subtree."""

import io
import random
from datetime import datetime

from openpyxl import load_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = [
    "姓名",
    "手机号",
    "身份证号",
    "所属居民区",
    "楼栋",
    "技能",
    "可服务时间",
    "是否党员",
    "加入日期",
    "来源渠道",
    "层级",
    "状态",
    "当前身份",
]


def register(roster_client, headers, name: str, **extra) -> dict:
    body = {
        "name": name,
        "phone": f"138{random.randrange(10**8):08d}",
        "joined_on": "2024-04-01",
        "channel": "self_recommended",
        **extra,
    }
    response = roster_client.post("/v1/volunteers", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return {**response.json(), "phone": body["phone"]}


def post(roster_client, path: str, body: dict, headers) -> dict:
    response = roster_client.post(path, json=body, headers=headers)
    assert response.status_code in (200, 201), response.text
    return response.json()


def export(roster_client, headers, **params) -> list[dict]:
    response = roster_client.get("/v1/volunteers/export.xlsx", params=params, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.headers["cache-control"] == "no-store"
    sheet = load_workbook(io.BytesIO(response.content), data_only=False).active
    rows = list(sheet.iter_rows())
    assert [cell.value for cell in rows[0]] == HEADERS
    return [dict(zip(HEADERS, row, strict=True)) for row in rows[1:]]


def values(rows: list[dict]) -> dict[str, dict]:
    return {row["姓名"].value: {key: cell.value for key, cell in row.items()} for row in rows}


def test_export_writes_the_roster_in_chinese_with_dates_and_stacked_roles(
    roster_client, login, sync_directory
):
    sync_directory()
    admin = login("tenant_admin")
    grid = post(roster_client, "/v1/areas", {"kind": "grid", "name": "第一网格"}, admin)
    micro = post(
        roster_client,
        "/v1/areas",
        {"kind": "micro_grid", "name": "一号微网格", "parent_id": grid["id"]},
        admin,
    )
    block = post(
        roster_client, "/v1/areas", {"kind": "building", "name": "3号楼", "parent_id": micro["id"]}, admin
    )
    leader = register(
        roster_client,
        admin,
        "张秀英",
        id_number="11010119800307123X",
        building_id=block["id"],
        skills=["急救", "垃圾分类"],
        availability="周末上午",
        party_member=True,
        channel="organisation_recommended",
    )
    path = f"/v1/volunteers/{leader['id']}"
    post(roster_client, f"{path}/tier", {"tier": "backbone", "reason": "服务满一年"}, admin)
    post(
        roster_client,
        f"{path}/roles",
        {"role": "building_group_leader", "area_id": block["id"], "starts_on": "2025-01-01"},
        admin,
    )
    post(roster_client, f"{path}/roles", {"role": "mediator", "starts_on": "2025-01-01"}, admin)
    ended = post(
        roster_client,
        f"{path}/roles",
        {"role": "party_group_leader", "scope_note": "第二党小组", "starts_on": "2025-01-01"},
        admin,
    )
    role_id = next(role["id"] for role in ended["roles"] if role["role"] == "party_group_leader")
    post(roster_client, f"{path}/roles/{role_id}/end", {"ends_on": "2025-06-01", "reason": "换届"}, admin)
    register(roster_client, admin, "=1+2")  # stored text, never written as a formula
    gone = register(roster_client, admin, "王退出")
    post(roster_client, f"/v1/volunteers/{gone['id']}/exit", {"kind": "voluntary", "reason": "搬家"}, admin)

    rows = export(roster_client, admin)

    people = values(rows)
    assert set(people) == {"张秀英", "=1+2"}, "active volunteers by default, as in the list"
    assert people["张秀英"] == {
        "姓名": "张秀英",
        "手机号": leader["phone"],
        "身份证号": "**************123X",
        "所属居民区": "甲居民区",
        "楼栋": "3号楼",
        "技能": "急救、垃圾分类",
        "可服务时间": "周末上午",
        "是否党员": "是",
        "加入日期": datetime(2024, 4, 1),
        "来源渠道": "组织推荐",
        "层级": "骨干",
        "状态": "在册",
        "当前身份": "楼组长（3号楼）、调解员",
    }
    leader_row = next(row for row in rows if row["姓名"].value == "张秀英")
    assert leader_row["加入日期"].is_date
    assert leader_row["加入日期"].number_format == "yyyy-mm-dd"
    formula_like = next(row for row in rows if row["姓名"].value == "=1+2")["姓名"]
    assert formula_like.data_type == "s", "text starting with = is written as text"
    assert people["=1+2"]["身份证号"] is None
    assert people["=1+2"]["是否党员"] == "否"

    exited = values(export(roster_client, admin, status="exited"))
    assert set(exited) == {"王退出"}
    assert exited["王退出"]["状态"] == "已退出"
    assert set(values(export(roster_client, admin, tier="backbone"))) == {"张秀英"}
    assert set(values(export(roster_client, admin, role="mediator"))) == {"张秀英"}
    assert set(values(export(roster_client, admin, area_id=grid["id"]))) == {"张秀英"}
    assert set(values(export(roster_client, admin, phone_suffix=leader["phone"][-4:]))) == {"张秀英"}
    assert export(roster_client, admin, name="没有这个人") == []


def test_phones_are_masked_unless_the_role_sees_them(roster_client, login, sync_directory):
    sync_directory()
    person = register(roster_client, login("staff"), "李建国", id_number="110101198003071234")
    masked = person["phone"][:3] + "****" + person["phone"][-4:]
    for role, shown in (("staff", person["phone"]), ("tenant_admin", person["phone"]), ("auditor", masked)):
        row = values(export(roster_client, login(role)))["李建国"]
        assert row["手机号"] == shown, role
        assert row["身份证号"] == "**************1234", "ID numbers are always masked"


def test_each_reader_exports_its_own_subtree(roster_client, login, sync_directory):
    sync_directory()
    ours = register(roster_client, login("tenant_admin"), "甲家人")
    register(roster_client, login("sibling_admin"), "乙家人")

    town = values(export(roster_client, login("town_admin")))
    assert set(town) == {"甲家人", "乙家人"}
    assert (town["甲家人"]["所属居民区"], town["乙家人"]["所属居民区"]) == ("甲居民区", "乙居民区")
    assert town["甲家人"]["手机号"] != ours["phone"], "town admins see masked phones"
    assert set(values(export(roster_client, login("district_admin")))) == {"甲家人", "乙家人"}
    assert export(roster_client, login("other_town_admin")) == []
    assert set(values(export(roster_client, login("sibling_admin")))) == {"乙家人"}
    sibling_grid = roster_client.post(
        "/v1/areas", json={"kind": "grid", "name": "乙网格"}, headers=login("sibling_admin")
    )
    assert export(roster_client, login("tenant_admin"), area_id=sibling_grid.json()["id"]) == []


def test_export_refuses_bad_filters_and_non_readers(roster_client, login, sync_directory):
    sync_directory()
    admin = login("tenant_admin")
    for params in (
        {"tier": "boss"},
        {"area_id": "not-a-uuid"},
        {"phone_suffix": "12"},
        {"phone_suffix": "١٢٣٤"},
        {"name": "a\x00b"},
    ):
        response = roster_client.get("/v1/volunteers/export.xlsx", params=params, headers=admin)
        assert response.status_code == 422, params
        assert response.headers["content-type"] == "application/problem+json"
    assert roster_client.get("/v1/volunteers/export.xlsx", headers=login("volunteer")).status_code == 403
    assert roster_client.get("/v1/volunteers/export.xlsx").status_code == 401
    missing_area = roster_client.get(
        "/v1/volunteers/export.xlsx",
        params={"area_id": "00000000-0000-4000-8000-000000000000"},
        headers=admin,
    )
    assert missing_area.status_code == 200
