"""GET /v1/reports/national-export.xlsx|.csv: a committee's service records in the national volunteer
system's record layout — its columns in its order, times in Asia/Shanghai, the resident's rating, the
record's flags — for the recording committee's own people only."""

import csv
import io
from datetime import date, datetime
from io import BytesIO
from urllib.parse import quote

import pytest
from openpyxl import load_workbook

XLSX = "/v1/reports/national-export.xlsx"
CSV = "/v1/reports/national-export.csv"
NOVEMBER = {"from": "2026-11", "to": "2026-11"}
HEADER = (
    "志愿者姓名",
    "证件类型",
    "证件号码",
    "活动名称",
    "服务日期",
    "服务开始时间",
    "服务结束时间",
    "服务时长(小时)",
    "服务地点",
    "服务对象",
    "服务内容",
    "活动负责人",
    "记录人",
    "评价情况",
    "备注",
)


def sheet_rows(response):
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == ["志愿服务记录"]
    return workbook["志愿服务记录"]


def test_the_committees_records_in_the_national_layout(api, login, november):
    response = api.get(XLSX, params=NOVEMBER, headers=login("staff"))
    assert response.status_code == 200, response.text
    assert (
        response.headers["content-type"]
        == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = sheet_rows(response)
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.column_dimensions["K"].width == 36
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == HEADER
    # by service time; the other committee's record is not here, the voided one is (flagged)
    assert [(row[0], row[4].date()) for row in rows[1:]] == [
        ("孙退", date(2026, 11, 2)),
        ("张阿姨", date(2026, 11, 7)),
        ("李叔", date(2026, 11, 10)),
        ("赵伯", date(2026, 11, 15)),
        ("张阿姨", date(2026, 11, 20)),
        ("王姐", date(2026, 11, 30)),
    ]
    assert rows[2] == (
        "张阿姨",
        None,  # evaluation holds no identity documents
        None,
        "垃圾分类值守",
        datetime(2026, 11, 7),
        datetime(2026, 11, 7, 9, 0),  # stored 01:00 UTC, shown as Shanghai's wall clock
        datetime(2026, 11, 7, 12, 0),
        3.0,
        "3号楼垃圾投放点",
        "小区居民",
        "指导居民垃圾分类",
        "李组长",
        "甲居民区",
        5,
        None,
    )
    assert [(row[7], row[13], row[14]) for row in rows[3:]] == [
        (2.0, 4, None),
        (0.0, 1, "已作废"),
        (1.5, None, "补录"),
        (1.0, None, "自报"),
    ]
    record_cells = next(iter(sheet.iter_rows(min_row=3, max_row=3)))
    assert record_cells[4].number_format == "yyyy-mm-dd"
    assert record_cells[5].number_format == "yyyy-mm-dd hh:mm"
    assert record_cells[7].data_type == "n"


def test_the_file_is_named_for_the_committee_and_months(api, login, november):
    response = api.get(XLSX, params={"from": "2026-10", "to": "2026-11"}, headers=login("tenant_admin"))
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="service-records-2026-10-2026-11.xlsx"; ')
    assert f"filename*=UTF-8''{quote('甲居民区-志愿服务记录-2026-10-2026-11.xlsx', safe='')}" in disposition
    assert len(list(sheet_rows(response).iter_rows(min_row=2))) == 8


def test_the_csv_is_utf8_with_a_bom(api, login, november):
    response = api.get(CSV, params=NOVEMBER, headers=login("auditor"))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert "filename*=UTF-8''" in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert tuple(rows[0]) == HEADER
    assert rows[2] == [
        "张阿姨",
        "",
        "",
        "垃圾分类值守",
        "2026-11-07",
        "2026-11-07 09:00",
        "2026-11-07 12:00",
        "3.00",
        "3号楼垃圾投放点",
        "小区居民",
        "指导居民垃圾分类",
        "李组长",
        "甲居民区",
        "5",
        "",
    ]
    assert [row[14] for row in rows[1:]] == ["", "", "", "已作废", "补录", "自报"]


def test_every_flag_is_noted_and_text_never_becomes_a_formula(api, login, committee, register, record):
    volunteer = register(committee.tenant, "=冯")
    record(
        committee.tenant,
        volunteer,
        2.0,
        date(2026, 11, 9),
        late_entry=True,
        auto_closed=True,
        place='=HYPERLINK("http://example.com","点我")',
        content="+1 帮扶",
    )
    sheet = sheet_rows(api.get(XLSX, params=NOVEMBER, headers=login("staff")))
    cells = next(iter(sheet.iter_rows(min_row=2)))
    assert cells[0].value == "=冯"
    assert cells[0].data_type == "s"
    assert cells[8].value == '=HYPERLINK("http://example.com","点我")'
    assert cells[8].data_type == "s"
    assert cells[14].value == "补录、系统签退"
    rows = list(
        csv.reader(
            io.StringIO(api.get(CSV, params=NOVEMBER, headers=login("staff")).content.decode("utf-8-sig"))
        )
    )
    assert (rows[1][0], rows[1][8], rows[1][10]) == (
        "'=冯",
        '\'=HYPERLINK("http://example.com","点我")',
        "'+1 帮扶",
    )


def test_another_committee_exports_only_its_own(api, login, november):
    rows = list(
        sheet_rows(api.get(XLSX, params=NOVEMBER, headers=login("sibling_admin"))).iter_rows(values_only=True)
    )
    assert [(row[0], row[7]) for row in rows[1:]] == [("乙志愿者", 5.0)]


def test_an_empty_range_is_just_the_header(api, login, committee):
    rows = list(
        sheet_rows(api.get(XLSX, params=NOVEMBER, headers=login("staff"))).iter_rows(values_only=True)
    )
    assert rows == [HEADER]
    text = api.get(CSV, params=NOVEMBER, headers=login("staff")).content.decode("utf-8-sig")
    assert text == ",".join(HEADER) + "\r\n"


@pytest.mark.parametrize("who", ["town_admin", "district_admin", "volunteer"])
def test_only_the_recording_committees_people_export(api, login, me, november, who, row_counts):
    """谁记录谁证明: the committee that recorded the hours exports them; towns and districts read roll-ups."""
    before = row_counts()
    for path in (XLSX, CSV):
        response = api.get(path, params=NOVEMBER, headers=login(who))
        assert response.status_code == 403, (who, path)
        assert response.headers["content-type"] == "application/problem+json"
    assert row_counts() == before
