"""Roll-up reports of a district or town: per committee with town subtotals and the total, charts, residents'
satisfaction, the .xlsx passed through; a bad month range is a 4xx page, and a town sees its own."""

import json
import re

import pytest

pytestmark = pytest.mark.integration


def test_the_district_rollup_lists_committees_with_subtotals_and_charts(browse, world):
    page = browse("district_admin").get(f"/d/{world.district.slug}/reports?from=2026-01&to=2026-11")
    assert page.status_code == 200, page.text
    assert "汇总报表" in page.text
    assert "群众评价" in page.text
    for name in ("甲居民区", "乙居民区", "丙居民区", "一号镇 · 小计", "二号镇 · 小计"):
        assert name in page.text
    charts = [
        json.loads(spec.replace("&#34;", '"')) for spec in re.findall(r'data-chart="([^"]+)"', page.text)
    ]
    hours, comparison = charts
    assert len(hours["labels"]) == 11
    assert hours["labels"][0] == "2026-01"
    assert sorted(comparison["labels"]) == sorted(["甲居民区", "乙居民区", "丙居民区"])


def test_the_rollup_downloads_as_xlsx(browse, world):
    sheet = browse("district_admin").get(
        f"/d/{world.district.slug}/reports/rollup.xlsx?from=2026-01&to=2026-11"
    )
    assert sheet.status_code == 200, sheet.text
    assert sheet.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in sheet.headers["content-disposition"]
    assert sheet.content[:2] == b"PK"


@pytest.mark.parametrize(
    "query", ["from=2026-11&to=2026-01", "from=2020-01&to=2026-11", "from=soon&to=2026-11"]
)
def test_a_bad_month_range_is_refused(browse, world, query):
    page = browse("district_admin").get(f"/d/{world.district.slug}/reports?{query}")
    assert 400 <= page.status_code < 500


def test_a_town_reports_on_its_own_committees(browse, world):
    page = browse("town_admin").get(f"/d/{world.town.slug}/reports")
    assert page.status_code == 200, page.text
    assert "甲居民区" in page.text
    assert "丙居民区" not in page.text
    assert browse("other_town_admin").get(f"/d/{world.town.slug}/reports").status_code == 404
