"""GET /v1/reports/rollup: every committee of the caller's town or district with its metrics, each town's
subtotal, the total and a monthly hours series — only the caller's own subtree (ltree, enforced by
row-level security); a committee's people see their committee alone."""

from datetime import date
from io import BytesIO
from urllib.parse import quote

import pytest
from openpyxl import load_workbook

URL = "/v1/reports/rollup"
RANGE = {"from": "2026-10", "to": "2026-11"}


@pytest.fixture
def district(world, november, register, record, tally):
    """Besides committee A's November: 丙居民区 (the other town) with 丙一 serving 4 h in October and in
    November and 丙二 not serving at all."""
    far = world.far_committee
    serving = register(far, "丙一")
    register(far, "丙二")
    record(far, serving, 4.0, date(2026, 10, 20))
    record(far, serving, 4.0, date(2026, 11, 20))
    tally(far)
    return world


def rows_by_name(report):
    return {row["name"]: row for row in report["committees"]}


def test_a_district_sees_every_committee_each_town_and_the_total(api, login, district):
    response = api.get(URL, params=RANGE, headers=login("district_admin"))
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["from_month"], report["to_month"], report["months"]) == (
        "2026-10",
        "2026-11",
        ["2026-10", "2026-11"],
    )
    # town by town (一号镇 then 二号镇), committees by name within each
    assert [row["name"] for row in report["committees"]] == ["乙居民区", "甲居民区", "丙居民区"]
    committees = rows_by_name(report)
    a = committees["甲居民区"]
    assert (a["kind"], a["id"], a["parent_id"], a["committees"]) == (
        "committee",
        str(district.committee.id),
        str(district.town.id),
        1,
    )
    assert {
        key: a["metrics"][key] for key in ("volunteers", "active_volunteers", "active_rate", "records")
    } == {
        "volunteers": 4,
        "active_volunteers": 4,  # 赵伯 served in October
        "active_rate": 1.0,
        "records": 7,
    }
    assert (a["metrics"]["verified_hours"], a["metrics"]["unverified_hours"], a["metrics"]["hours"]) == (
        9.0,
        2.5,
        11.5,
    )
    assert (a["metrics"]["ratings"], a["metrics"]["satisfaction"]) == (3, 4.0)
    assert a["tallied"] == {"verified_hours": 9.0, "unverified_hours": 2.5, "agrees": True}
    assert [(point["month"], point["hours"], point["records"]) for point in a["series"]] == [
        ("2026-10", 3.0, 2),
        ("2026-11", 8.5, 5),
    ]
    assert committees["丙居民区"]["metrics"]["active_rate"] == 0.5

    towns = {town["name"]: town for town in report["towns"]}
    assert list(towns) == ["一号镇", "二号镇"]
    first = towns["一号镇"]
    assert (first["kind"], first["id"], first["committees"]) == ("town", str(district.town.id), 2)
    # rates from the summed counts, never an average of the committees' rates
    assert (
        first["metrics"]["volunteers"],
        first["metrics"]["active_volunteers"],
        first["metrics"]["active_rate"],
    ) == (5, 5, 1.0)
    assert first["metrics"]["hours"] == 16.5
    assert towns["二号镇"]["metrics"]["hours"] == 8.0

    total = report["total"]
    assert (total["kind"], total["name"], total["committees"]) == ("total", "合计", 3)
    assert (total["metrics"]["volunteers"], total["metrics"]["active_volunteers"]) == (7, 6)
    assert total["metrics"]["active_rate"] == round(6 / 7, 4)
    assert (total["metrics"]["backbone"], total["metrics"]["backbone_ratio"]) == (2, round(2 / 7, 4))
    assert (total["metrics"]["hours"], total["metrics"]["records"]) == (24.5, 10)
    assert (total["metrics"]["audits_decided"], total["metrics"]["audit_pass_rate"]) == (3, 0.3333)
    assert [(point["month"], point["hours"], point["records"]) for point in total["series"]] == [
        ("2026-10", 7.0, 3),
        ("2026-11", 17.5, 7),
    ]
    assert total["tallied"]["agrees"] is True


def test_a_town_admin_never_sees_the_other_towns_committees(api, login, district):
    response = api.get(URL, params=RANGE, headers=login("town_admin"))
    assert response.status_code == 200
    report = response.json()
    assert [row["name"] for row in report["committees"]] == ["乙居民区", "甲居民区"]
    assert [town["name"] for town in report["towns"]] == ["一号镇"]
    assert report["total"]["metrics"]["hours"] == 16.5
    assert report["total"]["id"] == str(district.town.id)
    assert "丙居民区" not in response.text
    assert str(district.far_committee.id) not in response.text

    other = api.get(URL, params=RANGE, headers=login("other_town_admin")).json()
    assert [row["name"] for row in other["committees"]] == ["丙居民区"]
    assert other["total"]["metrics"]["hours"] == 8.0

    workbook = api.get(URL + ".xlsx", params=RANGE, headers=login("town_admin"))
    assert workbook.status_code == 200
    cells = [
        value
        for row in load_workbook(BytesIO(workbook.content))["汇总"].iter_rows(values_only=True)
        for value in row
    ]
    assert "丙居民区" not in cells
    assert "二号镇" not in cells


def test_a_committee_sees_itself_alone(api, login, district):
    for who, name, hours in (
        ("staff", "甲居民区", 11.5),
        ("auditor", "甲居民区", 11.5),
        ("sibling_admin", "乙居民区", 5.0),
    ):
        report = api.get(URL, params=RANGE, headers=login(who)).json()
        assert [row["name"] for row in report["committees"]] == [name], who
        assert report["towns"] == []
        assert (report["total"]["committees"], report["total"]["metrics"]["hours"]) == (1, hours)


def test_months_without_service_are_zero_in_the_series(api, login, district):
    report = api.get(URL, params={"from": "2026-09", "to": "2026-12"}, headers=login("district_admin")).json()
    assert [(point["month"], point["hours"]) for point in report["total"]["series"]] == [
        ("2026-09", 0.0),
        ("2026-10", 7.0),
        ("2026-11", 17.5),
        ("2026-12", 1.0),
    ]
    assert rows_by_name(report)["乙居民区"]["series"][0] == {
        "month": "2026-09",
        "records": 0,
        "verified_hours": 0.0,
        "unverified_hours": 0.0,
        "hours": 0.0,
    }


def test_a_range_of_twenty_four_months_is_allowed(api, login, district):
    response = api.get(URL, params={"from": "2025-01", "to": "2026-12"}, headers=login("district_admin"))
    assert response.status_code == 200
    report = response.json()
    assert len(report["months"]) == 24
    assert rows_by_name(report)["甲居民区"]["metrics"]["hours"] == 132.5  # 120 h in June 2025 too


@pytest.mark.parametrize(
    ("params", "problem"),
    [
        ({"from": "2026-11", "to": "2026-10"}, "report-months-out-of-order"),
        ({"from": "2025-01", "to": "2027-01"}, "report-too-many-months"),
        ({"from": "2020-01", "to": "2026-12"}, "report-too-many-months"),
        ({"from": "2026-1", "to": "2026-11"}, "validation"),
        ({"from": "2026-01", "to": "2026-11-30"}, "validation"),
        ({"to": "2026-11"}, "validation"),
        ({"from": "2026-01"}, "validation"),
        ({"from": "2026-13", "to": "2026-14"}, "validation"),
    ],
)
def test_a_bad_range_is_refused(api, login, district, params, problem, row_counts):
    before = row_counts()
    for path in (URL, URL + ".xlsx", "/v1/reports/national-export.xlsx", "/v1/reports/national-export.csv"):
        who = "district_admin" if "rollup" in path else "staff"
        response = api.get(path, params=params, headers=login(who))
        assert response.status_code == 422, (path, params, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"].endswith(problem)
    assert row_counts() == before


def test_a_volunteer_login_may_not_read_the_rollup(api, login, me, district, row_counts):
    before = row_counts()
    for path in (URL, URL + ".xlsx"):
        response = api.get(path, params=RANGE, headers=login("volunteer"))
        assert response.status_code == 403
        assert response.headers["content-type"] == "application/problem+json"
    assert row_counts() == before


def test_the_rollup_workbook(api, login, district):
    response = api.get(URL + ".xlsx", params=RANGE, headers=login("district_admin"))
    assert response.status_code == 200, response.text
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="rollup-2026-10-2026-11.xlsx"; ')
    assert f"filename*=UTF-8''{quote('汇总报表-2026-10-2026-11.xlsx', safe='')}" in disposition
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == ["汇总", "月度时长"]
    summary = workbook["汇总"]
    assert summary.freeze_panes == "A2"
    header = [cell.value for cell in summary[1]]
    assert header[:6] == ["镇/街道", "居民区", "在册志愿者", "活跃志愿者", "活跃率", "骨干"]
    assert header[-6:] == ["无星级", "一星", "二星", "三星", "四星", "五星"]
    assert all(cell.font.bold for cell in summary[1])
    column = {name: position for position, name in enumerate(header)}
    rows = list(summary.iter_rows(min_row=2))
    values = [[cell.value for cell in row] for row in rows]
    assert [(row[0], row[1]) for row in values] == [
        ("一号镇", "乙居民区"),
        ("一号镇", "甲居民区"),
        ("一号镇", "小计"),
        ("二号镇", "丙居民区"),
        ("二号镇", "小计"),
        ("合计", None),
    ]
    assert [row[column["服务总时长(小时)"]] for row in values] == [5.0, 11.5, 16.5, 8.0, 8.0, 24.5]
    assert values[-1][column["活跃率"]] == pytest.approx(6 / 7, abs=1e-4)
    assert rows[-1][column["活跃率"]].number_format == "0.0%"
    assert rows[2][0].font.bold
    assert not rows[0][0].font.bold
    assert values[1][column["一星"]] == 1

    months = list(workbook["月度时长"].iter_rows(values_only=True))
    assert months == [
        ("月份", "服务记录数", "已核验时长(小时)", "未核验时长(小时)", "总时长(小时)"),
        ("2026-10", 3, 7.0, 0.0, 7.0),
        ("2026-11", 7, 15.0, 2.5, 17.5),
    ]
