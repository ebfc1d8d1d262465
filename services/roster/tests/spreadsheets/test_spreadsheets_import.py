"""Importing a volunteer list from .xlsx: the dry-run preview, all-or-nothing registration, per-row errors, and
hostile files (junk, zip bombs, DTDs, formulas, wrong columns) refused cleanly with nothing written."""

import io
import random
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import jsonschema
from openpyxl import Workbook
from sqlalchemy import select

from linli_roster.database import messaging
from linli_shared.clock import shanghai_today
from linli_shared.events.schemas import load_schema

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SCHEMAS = Path(__file__).resolve().parents[2] / "src" / "linli_roster" / "events" / "schemas"
HEADER = [
    "序号",
    " 姓 名 ",
    "手机号（必填）",
    "身份证号",
    "楼栋",
    "技能",
    "是否党员",
    "加入日期",
    "来源渠道",
    "备注",
]


def phone() -> str:
    return f"139{random.randrange(10**8):08d}"


def xlsx(*rows, title: str | None = None, text_cells: tuple[tuple[int, int], ...] = ()) -> bytes:
    """A real workbook; `text_cells` (1-based row, column) are forced to text even if they start with "="."""
    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
    for row in rows:
        sheet.append(list(row))
    for row_number, column in text_cells:
        sheet.cell(row_number, column).data_type = "s"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(roster_client, headers, content, dry_run: bool = True, content_type: str = XLSX):
    return roster_client.post(
        f"/v1/volunteers/imports?dry_run={str(dry_run).lower()}",
        content=content,
        headers={**headers, "Content-Type": content_type},
    )


def building(roster_client, headers, name: str) -> str:
    def area(kind: str, area_name: str, parent: str | None) -> str:
        body = {"kind": kind, "name": area_name, **({"parent_id": parent} if parent else {})}
        response = roster_client.post("/v1/areas", json=body, headers=headers)
        assert response.status_code == 201, response.text
        return response.json()["id"]

    micro = area("micro_grid", "一号微网格", area("grid", "第一网格", None))
    return area("building", name, micro)


def roster(roster_client, headers) -> list[dict]:
    response = roster_client.get("/v1/volunteers", params={"limit": 200}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]


def registered_events(roster_database, world) -> list[dict]:
    with roster_database.transaction() as session:
        rows = session.execute(select(messaging.outbox.c.event)).scalars().all()
    return [
        event
        for event in rows
        if event["tenantpath"] == world.committee.path and event["type"].endswith("volunteer.registered.v1")
    ]


def assert_problem(response, status: int, slug: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    if slug:
        assert body["type"].endswith("/" + slug), body
    return body


def good_rows(phones: list[str]) -> list[list]:
    return [
        [
            1,
            "张秀英",
            phones[0],
            "11010119800307123X",
            "3号楼",
            "急救、垃圾分类",
            "是",
            date(2021, 3, 1),
            "组织推荐",
            "老党员",
        ],
        [2, "李建国", int(phones[1]), None, None, None, "否", "2022/5/6", None, None],
        [
            3,
            "王芳",
            f"{phones[2][:3]} {phones[2][3:7]} {phones[2][7:]}",
            None,
            " 3号楼 ",
            "",
            None,
            "2023年1月2日",
            "居民联荐",
            "",
        ],
    ]


def test_dry_run_previews_every_row_and_writes_nothing(
    roster_client, login, sync_directory, world, roster_database
):
    sync_directory()
    admin = login("tenant_admin")
    building_id = building(roster_client, admin, "3号楼")
    phones = [phone() for _ in range(3)]
    future = shanghai_today() + timedelta(days=30)
    bad = [
        [4, "赵六", "12345", None, None, None, None, date(2020, 1, 1), None, None],
        [
            5,
            "钱七",
            phone(),
            None,
            None,
            '=HYPERLINK("http://evil","点我")',
            None,
            date(2020, 1, 1),
            None,
            None,
        ],
        [6, "孙八", phone(), None, "99号楼", None, None, date(2020, 1, 1), None, None],
        [7, "周九", phone(), None, None, None, None, future, None, None],
        [8, "吴十", phones[0], None, None, None, None, date(2020, 1, 1), None, None],
        [9, "郑一", phone(), 110101198003071234.0, None, None, "也许", "昨天", "朋友介绍", None],
        [10, "=cmd|' /C calc'!A0", phone(), None, None, None, None, date(2020, 1, 1), None, None],
        [11, None, None, None, None, None, None, None, None, "只有备注"],
    ]
    content = xlsx(HEADER, *good_rows(phones), [], *bad, title="甲居民区志愿者名册", text_cells=((13, 2),))

    response = upload(roster_client, admin, content, dry_run=True)

    assert response.status_code == 200, response.text
    preview = response.json()
    assert preview["dry_run"] is True
    assert preview["counts"] == {"rows": 11, "valid": 3, "invalid": 8}
    assert preview["columns"] == [
        "姓名",
        "手机号",
        "身份证号",
        "楼栋",
        "技能",
        "是否党员",
        "加入日期",
        "来源渠道",
    ]
    assert preview["ignored_columns"] == ["序号", "备注"]
    first, second, third = preview["rows"][:3]
    assert first["row"] == 3, "row numbers are the ones Excel shows (title line, header, then data)"
    assert first["values"] == {
        "name": "张秀英",
        "phone": phones[0],
        "id_number": "**************123X",
        "building_id": building_id,
        "building": "3号楼",
        "skills": ["急救", "垃圾分类"],
        "availability": "",
        "party_member": True,
        "joined_on": "2021-03-01",
        "channel": "organisation_recommended",
    }
    assert (second["values"]["phone"], second["values"]["channel"]) == (phones[1], "imported")
    assert (second["values"]["joined_on"], second["values"]["party_member"]) == ("2022-05-06", False)
    assert (third["values"]["phone"], third["values"]["building_id"]) == (phones[2], building_id)
    assert (third["values"]["joined_on"], third["values"]["channel"]) == (
        "2023-01-02",
        "residents_recommended",
    )
    assert third["values"]["skills"] == []

    errors = {(error["row"], error["column"]) for error in preview["errors"]}
    assert errors == {
        (7, "手机号"),
        (8, "技能"),  # a formula
        (9, "楼栋"),
        (10, "加入日期"),  # in the future
        (11, "手机号"),  # same as row 3
        (12, "身份证号"),  # typed as a number: Excel has rounded it
        (12, "是否党员"),
        (12, "加入日期"),
        (12, "来源渠道"),
        (13, "姓名"),  # text that would be a formula
        (14, "姓名"),
        (14, "手机号"),
        (14, "加入日期"),
    }
    messages = {(error["row"], error["column"]): error["message"] for error in preview["errors"]}
    assert "formula" in messages[(8, "技能")]
    assert "row 3" in messages[(11, "手机号")]
    assert messages[(14, "姓名")] == "required"
    assert all(row["values"] is None for row in preview["rows"][3:])
    assert [row["row"] for row in preview["rows"]] == [3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14]

    assert roster(roster_client, admin) == []
    assert registered_events(roster_database, world) == []


def test_real_run_is_all_or_nothing(roster_client, login, sync_directory, world, roster_database):
    sync_directory()
    staff = login("staff")
    building(roster_client, staff, "3号楼")
    phones = [phone() for _ in range(3)]
    broken = xlsx(HEADER, *good_rows(phones), [4, "赵六", "12345", None, None, None, None, date(2020, 1, 1)])

    rejected = upload(roster_client, staff, broken, dry_run=False)

    body = assert_problem(rejected, 422, "import-rejected")
    assert body["errors"] == [{"row": 5, "column": "手机号", "message": body["errors"][0]["message"]}]
    assert body["counts"] == {"rows": 4, "valid": 3, "invalid": 1}
    assert roster(roster_client, staff) == [], "no partial import"
    assert registered_events(roster_database, world) == []

    imported = upload(roster_client, staff, xlsx(HEADER, *good_rows(phones)), dry_run=False)

    assert imported.status_code == 201, imported.text
    result = imported.json()
    assert (result["imported"], result["counts"]) == (3, {"rows": 3, "valid": 3, "invalid": 0})
    people = {person["name"]: person for person in roster(roster_client, login("tenant_admin"))}
    assert set(people) == {"张秀英", "李建国", "王芳"}
    assert {person["id"] for person in people.values()} == set(result["volunteer_ids"])
    assert people["张秀英"]["channel"] == "organisation_recommended"
    assert people["李建国"]["channel"] == "imported"
    assert people["张秀英"]["skills"] == ["急救", "垃圾分类"]
    full = roster_client.get(f"/v1/volunteers/{people['张秀英']['id']}", headers=login("tenant_admin")).json()
    assert full["id_number"] == "11010119800307123X", "the ID number is stored (encrypted) in full"

    events = registered_events(roster_database, world)
    assert {event["subject"] for event in events} == set(result["volunteer_ids"])
    for event in events:
        jsonschema.validate(event, load_schema(SCHEMAS, event["type"]))

    again = upload(roster_client, staff, xlsx(HEADER, *good_rows(phones)), dry_run=False)
    body = assert_problem(again, 422, "import-rejected")
    assert {(error["row"], error["column"]) for error in body["errors"]} == {
        (2, "手机号"),
        (3, "手机号"),
        (4, "手机号"),
    }
    assert "already has this phone" in body["errors"][0]["message"]
    assert len(roster(roster_client, staff)) == 3


def test_english_headers_and_a_sheet_with_no_rows(roster_client, login, sync_directory):
    sync_directory()
    admin = login("tenant_admin")
    number = phone()
    full_width = number.translate({ord(digit): 0xFF10 + int(digit) for digit in "0123456789"})
    content = xlsx(
        ["Name", "ＰＨＯＮＥ", "Join Date", "Party Member", "channel", "skills"],
        ["Li Lei", full_width, datetime(2020, 2, 3, 9, 30), True, "two_way_selection", "first aid, 电工"],
    )
    preview = upload(roster_client, admin, content).json()
    assert preview["errors"] == []
    assert preview["rows"][0]["values"]["phone"] == number, "full-width digits become ASCII"
    assert preview["rows"][0]["values"]["joined_on"] == "2020-02-03"
    assert preview["rows"][0]["values"]["channel"] == "two_way_selection"
    assert preview["rows"][0]["values"]["skills"] == ["first aid", "电工"]
    assert preview["rows"][0]["values"]["party_member"] is True

    empty = xlsx(["姓名", "手机号", "加入日期"])
    assert upload(roster_client, admin, empty).json()["counts"] == {"rows": 0, "valid": 0, "invalid": 0}
    assert_problem(upload(roster_client, admin, empty, dry_run=False), 422, "nothing-to-import")


def test_wrong_columns_are_refused_listing_what_is_missing(roster_client, login, sync_directory):
    sync_directory()
    admin = login("tenant_admin")
    wrong = xlsx(["编号", "名字", "电话号码", "住址"], [1, "张三", phone(), "3号楼"])
    for dry_run in (True, False):
        body = assert_problem(upload(roster_client, admin, wrong, dry_run=dry_run), 422, "missing-columns")
        assert body["missing"] == ["姓名", "手机号", "加入日期"]
    partly = xlsx(["姓名", "手机号", "备注"], ["张三", phone(), ""])
    assert assert_problem(upload(roster_client, admin, partly), 422, "missing-columns")["missing"] == [
        "加入日期"
    ]
    twice = xlsx(["姓名", "手机号", "加入日期", "手机"], ["张三", phone(), "2020-01-01", phone()])
    assert assert_problem(upload(roster_client, admin, twice), 422, "duplicate-columns")["duplicated"] == [
        "手机号"
    ]
    assert_problem(upload(roster_client, admin, xlsx()), 422, "missing-columns")
    assert roster(roster_client, admin) == []


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _replace_member(content: bytes, name: str, data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(content)) as source:
        members = {item.filename: source.read(item) for item in source.infolist()}
    members[name] = data
    return _zip(members)


def test_hostile_files_are_refused_cleanly(roster_client, login, sync_directory, world, roster_database):
    sync_directory()
    admin = login("tenant_admin")
    junk = random.Random(3).randbytes(10 * 1024 * 1024)
    # with a Content-Length: refused before the body is read
    assert upload(roster_client, admin, junk).status_code == 413
    # streamed without a Content-Length: refused while reading, at the 5 MB limit
    chunks = (junk[start : start + 65536] for start in range(0, len(junk), 65536))
    assert_problem(upload(roster_client, admin, chunks), 413, "spreadsheet-too-large")
    assert_problem(upload(roster_client, admin, junk[:4000]), 422, "unreadable-spreadsheet")
    assert_problem(upload(roster_client, admin, b""), 422, "unreadable-spreadsheet")
    ole = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(2000)  # an .xls, or a password-protected .xlsx
    assert_problem(upload(roster_client, admin, ole), 422, "unreadable-spreadsheet")
    good = xlsx(["姓名", "手机号", "加入日期"], ["张三", phone(), date(2020, 1, 1)])
    assert_problem(upload(roster_client, admin, good, content_type="application/json"), 415, "not-an-xlsx")
    assert_problem(upload(roster_client, admin, good, content_type="text/csv"), 415, "not-an-xlsx")
    assert_problem(upload(roster_client, admin, good[: len(good) // 2]), 422, "unreadable-spreadsheet")
    assert_problem(upload(roster_client, admin, _zip({"hello.txt": b"hi"})), 422, "unreadable-spreadsheet")

    # a zip bomb: 60 MB of zeros inflating from a few kilobytes
    bomb = _replace_member(good, "xl/worksheets/sheet1.xml", bytes(60 * 1024 * 1024))
    assert len(bomb) < 200_000
    assert_problem(upload(roster_client, admin, bomb), 413, "spreadsheet-too-large")

    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol2;</t></si></sst>'
    )
    assert_problem(upload(roster_client, admin, _replace_member(good, "xl/sharedStrings.xml", laughs)), 422)

    # sizes that lie: the archive declares the sheet tiny; reading stops there and the checksum fails
    lying = bytearray(good)
    name = b"xl/worksheets/sheet1.xml"
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := lying.find(signature, start)) != -1:
            name_at = start + (30 if signature == b"PK\x03\x04" else 46)
            if lying[name_at : name_at + len(name)] == name:
                lying[start + size_at : start + size_at + 4] = (10).to_bytes(4, "little")
            start += 4
    assert bytes(lying) != good
    assert_problem(upload(roster_client, admin, bytes(lying)), 422, "unreadable-spreadsheet")

    broken_xml = _replace_member(good, "xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row>")
    assert_problem(upload(roster_client, admin, broken_xml), 422, "unreadable-spreadsheet")

    header = ["姓名", "手机号", "加入日期"]
    too_many = xlsx(header, *([f"志愿者{i}", f"137{i:08d}", "2020-01-01"] for i in range(5001)))
    assert len(too_many) < 1_000_000, "fits under the service's request size limit"
    assert_problem(upload(roster_client, admin, too_many), 413, "spreadsheet-too-large")

    assert roster(roster_client, admin) == []
    assert registered_events(roster_database, world) == []


def test_formulas_are_never_taken_even_with_a_cached_result(roster_client, login, sync_directory):
    """Excel stores a formula's last result next to it; we refuse the cell rather than trust either."""
    sync_directory()
    admin = login("tenant_admin")
    content = xlsx(
        ["序号", "姓名", "手机号", "加入日期"],
        ["=ROW()-1", '=CONCAT("张","三")', phone(), date(2020, 1, 1)],
        ["=ROW()-1", "李四", phone(), "=TODAY()"],
    )
    with zipfile.ZipFile(io.BytesIO(content)) as source:
        sheet = source.read("xl/worksheets/sheet1.xml")
    formula = '<c r="B2"><f>CONCAT("张","三")</f><v /></c>'.encode()
    cached = sheet.replace(formula, '<c r="B2" t="str"><f>CONCAT("张","三")</f><v>张三</v></c>'.encode())
    assert cached != sheet
    preview = upload(
        roster_client, admin, _replace_member(content, "xl/worksheets/sheet1.xml", cached)
    ).json()
    assert [(error["row"], error["column"]) for error in preview["errors"]] == [(2, "姓名"), (3, "加入日期")]
    assert all("formula" in error["message"] for error in preview["errors"])
    assert preview["ignored_columns"] == ["序号"], "formulas in columns we do not read do not matter"


def test_only_committee_staff_import_and_only_their_buildings(roster_client, login, sync_directory):
    sync_directory()
    content = xlsx(["姓名", "手机号", "楼栋", "加入日期"], ["张三", phone(), "别家楼", date(2020, 1, 1)])
    for role in ("auditor", "volunteer", "town_admin", "district_admin"):
        assert_problem(upload(roster_client, login(role), content), 403)
    assert_problem(upload(roster_client, {}, content), 401)
    assert_problem(
        roster_client.post(
            "/v1/volunteers/imports", content=content, headers={**login("staff"), "Content-Type": XLSX}
        ),
        422,
    )

    building(roster_client, login("sibling_admin"), "别家楼")
    preview = upload(roster_client, login("tenant_admin"), content).json()
    assert [(error["row"], error["column"]) for error in preview["errors"]] == [(2, "楼栋")]
    assert "no building" in preview["errors"][0]["message"]
    sibling = upload(roster_client, login("sibling_admin"), content).json()
    assert sibling["errors"] == []
    assert sibling["rows"][0]["values"]["building"] == "别家楼"


def test_a_deactivated_committee_imports_nothing_but_can_still_be_exported(
    roster_client, client, login, sync_directory, world
):
    sync_directory()
    admin = login("tenant_admin")
    content = xlsx(["姓名", "手机号", "加入日期"], ["张三", phone(), date(2020, 1, 1)])
    deactivated = client.post(
        f"/v1/tenants/{world.committee.id}/deactivate",
        json={"reason": "合并"},
        headers=login("district_admin"),
    )
    assert deactivated.status_code == 200, deactivated.text
    sync_directory()
    for dry_run in (True, False):
        response = upload(roster_client, admin, content, dry_run=dry_run)
        assert_problem(response, 409, "tenant-read-only")
    assert roster_client.get("/v1/volunteers/export.xlsx", headers=login("town_admin")).status_code == 200
