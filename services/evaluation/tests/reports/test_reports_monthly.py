"""GET /v1/reports/committee-monthly: a committee's month — the register, hours, satisfaction, audits and
stars; top volunteers; hours per project, grid and activity kind; the change from the month before — for the
committee's own people, and for a town or district admin naming a committee of their subtree."""

import uuid
from io import BytesIO
from urllib.parse import quote

import pytest
from openpyxl import load_workbook

URL = "/v1/reports/committee-monthly"


def test_the_month_of_a_committee(api, login, november):
    response = api.get(URL, params={"month": "2026-11"}, headers=login("staff"))
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["committee"] == {"id": str(november.committee.id), "name": "甲居民区", "active": True}
    assert (report["month"], report["first_day"], report["last_day"]) == (
        "2026-11",
        "2026-11-01",
        "2026-11-30",
    )
    metrics = report["metrics"]
    assert {key: metrics[key] for key in ("volunteers", "active_volunteers", "active_rate")} == {
        "volunteers": 4,  # 钱新 joined in December, 孙退 has exited
        "active_volunteers": 3,  # 赵伯's only November record was voided
        "active_rate": 0.75,
    }
    assert (metrics["backbone"], metrics["backbone_ratio"]) == (2, 0.5)
    assert (metrics["verified_hours"], metrics["unverified_hours"], metrics["hours"]) == (6.0, 2.5, 8.5)
    assert metrics["records"] == 5
    assert (metrics["ratings"], metrics["satisfaction"]) == (2, 4.5)  # the voided record's rating left out
    assert {key: metrics[key] for key in metrics if key.startswith("audit")} == {
        "audits_decided": 3,
        "audits_confirmed": 1,
        "audits_adjusted": 1,
        "audits_rejected": 1,  # its record is voided by the rejection, and still counts against the rate
        "audits_open": 1,
        "audit_pass_rate": 0.3333,
    }
    assert [level["volunteers"] for level in metrics["star_distribution"]] == [3, 1, 0, 0, 0, 0]
    assert report["tallied"] == {"verified_hours": 6.0, "unverified_hours": 2.5, "agrees": True}

    assert [
        (row["name"], row["hours"], row["verified_hours"], row["records"]) for row in report["top_volunteers"]
    ] == [
        ("张阿姨", 4.5, 3.0, 2),
        ("李叔", 2.0, 2.0, 1),
        ("孙退", 1.0, 1.0, 1),  # exited since, his hours still his
        ("王姐", 1.0, 0.0, 1),
    ]
    assert report["top_volunteers"][0]["stars"] == 1
    assert report["top_volunteers"][0]["tier"] == "backbone"
    assert [
        (row["key"], row["name"], row["hours"], row["records"], row["volunteers"])
        for row in report["projects"]
    ] == [
        (str(november.elderly_care), "关爱银发", 5.0, 2, 2),
        (None, "未归属项目", 3.5, 3, 3),
    ]
    assert [(row["name"], row["verified_hours"], row["unverified_hours"]) for row in report["grids"]] == [
        ("未关联网格", 3.0, 1.5),
        ("一网格", 3.0, 1.0),
    ]
    assert [(row["key"], row["name"], row["hours"]) for row in report["activity_kinds"]] == [
        ("grid_duty", "网格值守", 5.0),
        ("service", "志愿服务", 3.5),
    ]


def test_the_change_from_the_month_before(api, login, november):
    report = api.get(URL, params={"month": "2026-11"}, headers=login("tenant_admin")).json()
    before = report["previous"]
    assert before["month"] == "2026-10"
    assert (
        before["metrics"]["hours"],
        before["metrics"]["records"],
        before["metrics"]["active_volunteers"],
    ) == (
        3.0,
        2,
        2,
    )
    assert before["metrics"]["satisfaction"] == 3.0
    assert before["metrics"]["audit_pass_rate"] is None  # nothing decided: no rate, not 0 %
    assert report["change"] == {
        "hours": 5.5,
        "verified_hours": 3.0,
        "records": 3,
        "active_volunteers": 1,
        "active_rate": 0.25,
        "satisfaction": 1.5,
        "audit_pass_rate": None,
    }


def test_january_compares_with_december_of_the_year_before(api, login, november):
    report = api.get(URL, params={"month": "2027-01"}, headers=login("staff")).json()
    assert report["previous"]["month"] == "2026-12"
    assert report["previous"]["metrics"]["hours"] == 1.0  # 李叔 on December 1st
    assert report["metrics"]["records"] == 0
    assert report["metrics"]["active_rate"] == 0.0
    assert report["metrics"]["volunteers"] == 5  # 钱新 has joined by then


def test_the_tally_check_shows_entries_not_yet_tallied(api, login, committee, register, record, tally):
    volunteer = register(committee.tenant, "周阿姨")
    record(committee.tenant, volunteer, 2.0)
    pending = api.get(URL, params={"month": "2026-11"}, headers=login("staff")).json()
    assert pending["metrics"]["hours"] == 2.0
    assert pending["tallied"] == {"verified_hours": 0.0, "unverified_hours": 0.0, "agrees": False}
    tally(committee.tenant)
    settled = api.get(URL, params={"month": "2026-11"}, headers=login("staff")).json()
    assert settled["tallied"] == {"verified_hours": 2.0, "unverified_hours": 0.0, "agrees": True}


def test_an_empty_month_has_no_rates_to_divide(api, login, committee):
    report = api.get(URL, params={"month": "2026-11"}, headers=login("staff")).json()
    metrics = report["metrics"]
    assert (metrics["volunteers"], metrics["active_rate"], metrics["backbone_ratio"]) == (0, None, None)
    assert (metrics["satisfaction"], metrics["audit_pass_rate"]) == (None, None)
    assert report["top_volunteers"] == report["projects"] == report["grids"] == []


def test_a_town_or_district_admin_names_a_committee_of_their_subtree(api, login, world, november):
    for who in ("town_admin", "district_admin"):
        response = api.get(
            URL, params={"month": "2026-11", "committee_id": str(world.committee.id)}, headers=login(who)
        )
        assert response.status_code == 200, (who, response.text)
        assert response.json()["metrics"]["hours"] == 8.5
    far = api.get(
        URL,
        params={"month": "2026-11", "committee_id": str(world.far_committee.id)},
        headers=login("district_admin"),
    )
    assert far.status_code == 200
    assert far.json()["committee"]["name"] == "丙居民区"


def test_a_town_admin_must_name_the_committee(api, login, committee, row_counts):
    before = row_counts()
    response = api.get(URL, params={"month": "2026-11"}, headers=login("town_admin"))
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/report-committee-required")
    assert row_counts() == before


@pytest.mark.parametrize(
    ("who", "target"),
    [
        ("town_admin", "far_committee"),  # the other town's committee
        ("town_admin", "other_town"),  # a town is not a committee
        ("staff", "sibling"),  # another committee of the same town
        ("sibling_admin", "committee"),
        ("other_town_admin", "committee"),
    ],
)
def test_another_committee_is_not_found(api, login, world, november, who, target, row_counts):
    before = row_counts()
    response = api.get(
        URL, params={"month": "2026-11", "committee_id": str(getattr(world, target).id)}, headers=login(who)
    )
    assert response.status_code == 404, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert "甲居民区" not in response.text
    assert row_counts() == before


def test_an_unknown_committee_is_not_found(api, login, committee):
    for who in ("staff", "district_admin"):
        response = api.get(
            URL, params={"month": "2026-11", "committee_id": str(uuid.uuid4())}, headers=login(who)
        )
        assert response.status_code == 404


def test_a_committee_may_name_itself(api, login, world, november):
    response = api.get(
        URL, params={"month": "2026-11", "committee_id": str(world.committee.id)}, headers=login("auditor")
    )
    assert response.status_code == 200
    assert response.json()["metrics"]["records"] == 5


@pytest.mark.parametrize(
    "month", ["2026-13", "2026-1", "26-11", "2026-00", "1999-12", "2026-11-01", "", "二〇二六-11"]
)
def test_a_malformed_month_is_refused(api, login, committee, month, row_counts):
    before = row_counts()
    response = api.get(URL, params={"month": month}, headers=login("staff"))
    assert response.status_code == 422, month
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "query.month"
    assert row_counts() == before


def test_the_month_is_required(api, login, committee):
    response = api.get(URL, headers=login("staff"))
    assert response.status_code == 422
    assert api.get(URL + ".xlsx", headers=login("staff")).status_code == 422


def test_a_malformed_committee_id_is_refused(api, login, committee):
    response = api.get(URL, params={"month": "2026-11", "committee_id": "甲"}, headers=login("town_admin"))
    assert response.status_code == 422


def test_a_volunteer_login_may_not_read_reports(api, login, me, november, row_counts):
    before = row_counts()
    for path in (URL, URL + ".xlsx"):
        response = api.get(path, params={"month": "2026-11"}, headers=login("volunteer"))
        assert response.status_code == 403, path
        assert response.headers["content-type"] == "application/problem+json"
    assert row_counts() == before


def test_an_anonymous_caller_is_refused(api, committee):
    assert api.get(URL, params={"month": "2026-11"}).status_code == 401


def test_the_monthly_workbook(api, login, november):
    response = api.get(URL + ".xlsx", params={"month": "2026-11"}, headers=login("staff"))
    assert response.status_code == 200, response.text
    assert (
        response.headers["content-type"]
        == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="committee-monthly-2026-11.xlsx"; ')
    assert f"filename*=UTF-8''{quote('甲居民区-2026-11-月报.xlsx', safe='')}" in disposition

    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == ["月报概况", "志愿者排行", "项目时长", "网格时长", "活动类型"]
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert all(cell.font.bold for cell in sheet[1]), sheet.title
        assert sheet.column_dimensions["A"].width > 5, sheet.title

    summary = workbook["月报概况"]
    assert [cell.value for cell in summary[1]] == ["指标", "本月（2026-11）", "上月（2026-10）", "环比变化"]
    rows = {row[0]: row[1:] for row in summary.iter_rows(min_row=2, values_only=True)}
    assert rows["居民区"][0] == "甲居民区"
    assert rows["在册志愿者"] == (4, 4, 0)
    assert rows["服务总时长(小时)"] == (8.5, 3.0, 5.5)
    assert isinstance(rows["服务总时长(小时)"][0], float)
    assert rows["活跃率"] == (0.75, 0.5, 0.25)
    assert rows["抽查通过率"][0] == pytest.approx(1 / 3, abs=1e-4)
    assert rows["抽查通过率"][1] is None
    assert rows["一星志愿者（当前）"][0] == 1
    assert rows["台账核对：是否一致"][0] == "一致"
    rate_cell = next(row for row in summary.iter_rows(min_row=2) if row[0].value == "活跃率")[1]
    assert rate_cell.number_format == "0.0%"

    ranking = list(workbook["志愿者排行"].iter_rows(values_only=True))
    assert ranking[0] == (
        "排名",
        "姓名",
        "层级",
        "星级",
        "服务记录数",
        "已核验时长(小时)",
        "未核验时长(小时)",
        "总时长(小时)",
    )
    assert ranking[1] == (1, "张阿姨", "骨干", 1, 2, 3.0, 1.5, 4.5)
    projects = list(workbook["项目时长"].iter_rows(values_only=True))
    assert projects[1] == ("关爱银发", 2, 2, 5.0, 0.0, 5.0)
    kinds = list(workbook["活动类型"].iter_rows(values_only=True))
    assert [row[0] for row in kinds] == ["活动类型", "网格值守", "志愿服务"]


def test_another_committees_workbook_is_not_found(api, login, world, november):
    response = api.get(
        URL + ".xlsx",
        params={"month": "2026-11", "committee_id": str(world.committee.id)},
        headers=login("other_town_admin"),
    )
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
