"""Report pages: the committee's monthly report (this month by the clock, or the month asked), its
spreadsheets passed through with their types, volunteers' scores explained and star levels; bad months are a
clear 4xx; another committee's reports are not there."""

from datetime import date

import pytest

pytestmark = pytest.mark.integration

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def served(now, committee, enrol, serve, settle):
    """王阿姨 served 3 h in October and 5 h in November; 李叔叔 1 h in November."""
    wang, li = enrol("王阿姨"), enrol("李叔叔")
    settle()
    serve(committee, wang, 3.0, on=date(2026, 10, 8))
    serve(committee, wang, 5.0, on=date(2026, 11, 5))
    serve(committee, li, 1.0, on=date(2026, 11, 6), activity_kind="service")
    settle()
    return {"wang": wang, "li": li}


def test_the_monthly_report_shows_this_month_by_the_clock(browse, world, served):
    slug = world.committee.slug
    page = browse("auditor").get(f"/t/{slug}/reports")

    assert page.status_code == 200, page.text
    assert "月度报表" in page.text
    assert "2026-11" in page.text
    assert "活跃志愿者比例" in page.text
    assert "环比上月" in page.text
    assert "王阿姨" in page.text
    assert "李叔叔" in page.text
    assert "各项目服务时长" in page.text
    assert "未归属项目" in page.text
    assert page.text.count("data-chart=") == 2  # twelve months of hours, hours per project
    assert "2026-10" in page.text  # the previous month, and the chart's months

    october = browse("staff").get(f"/t/{slug}/reports?month=2026-10")
    assert october.status_code == 200
    assert "李叔叔" not in october.text
    assert "王阿姨" in october.text


def test_downloads_are_passed_through(browse, world, served):
    slug = world.committee.slug
    staff = browse("staff")

    monthly = staff.get(f"/t/{slug}/reports/monthly.xlsx?month=2026-11")
    assert monthly.status_code == 200
    assert monthly.headers["content-type"] == XLSX
    assert "attachment" in monthly.headers["content-disposition"]
    assert monthly.content[:2] == b"PK"

    national = staff.get(f"/t/{slug}/reports/national-export.xlsx?from=2026-10&to=2026-11")
    assert national.status_code == 200
    assert national.headers["content-type"] == XLSX

    csv = staff.get(f"/t/{slug}/reports/national-export.csv?from=2026-10&to=2026-11")
    assert csv.status_code == 200
    assert csv.headers["content-type"].startswith("text/csv")
    assert "王阿姨" in csv.content.decode("utf-8-sig")


def test_bad_months_are_refused_clearly(browse, world, now, committee):
    slug = world.committee.slug
    staff = browse("staff")
    assert staff.get(f"/t/{slug}/reports?month=2026-13").status_code == 400
    assert staff.get(f"/t/{slug}/reports/monthly.xlsx").status_code == 400
    backwards = staff.get(f"/t/{slug}/reports/national-export.csv?from=2026-11&to=2026-01")
    assert backwards.status_code == 422
    assert "text/html" in backwards.headers["content-type"]


def test_scores_and_star_levels(browse, world, served):
    slug = world.committee.slug
    staff = browse("staff")
    empty = staff.get(f"/t/{slug}/reports/scores")
    assert empty.status_code == 200
    assert "志愿者评分" in empty.text

    recomputed = staff.post(f"/t/{slug}/reports/scores/recompute")
    assert recomputed.status_code == 303
    ranked = staff.get(recomputed.headers["location"])
    assert "已重新计算 2 名志愿者的评分" in ranked.text
    assert "王阿姨" in ranked.text
    assert "李叔叔" in ranked.text

    explained = staff.get(f"/t/{slug}/reports/scores/{served['wang']}")
    assert explained.status_code == 200
    assert "计算方法" in explained.text
    assert "综合得分" in explained.text

    stars = staff.get(f"/t/{slug}/reports/stars")
    assert stars.status_code == 200
    assert "一至五星所需累计已核实时长" in stars.text
    assert "王阿姨" in stars.text
    assert staff.get(f"/t/{slug}/reports/stars?stars=9").status_code == 400


def test_another_committees_reports_are_not_there(browse, world, now, committee, enrol, settle):
    slug = world.committee.slug
    sibling_admin = browse("sibling_admin")
    for path in ("", "/scores", "/stars", "/monthly.xlsx?month=2026-11"):
        assert sibling_admin.get(f"/t/{slug}/reports{path}").status_code == 404

    theirs = enrol("赵大姐", as_user="sibling_admin")
    settle()
    assert browse("tenant_admin").get(f"/t/{slug}/reports/scores/{theirs}").status_code == 404
