"""Screening setup: the criteria and "三好一会" rubric in force, and a new version of either from the page."""

import pytest

pytestmark = pytest.mark.integration

DEFAULT_KEYS = ["law_abiding", "resident", "health", "willing"]
DEFAULT_CRITERIA = [
    "遵纪守法，品行端正",
    "本居民区常住居民或在本居民区工作",
    "身体健康，有时间和精力参与服务",
    "热心公益，愿意为居民服务",
]


@pytest.fixture
def roster(services):
    return services["roster"].client


@pytest.fixture
def admin(login, committee):
    return login("tenant_admin")


def test_the_page_shows_the_built_in_criteria_and_rubric(browse, committee):
    page = browse("auditor").get(f"/t/{committee.slug}/recruitment/screening")
    assert page.status_code == 200, page.text
    assert "现行任职条件" in page.text
    assert "遵纪守法，品行端正" in page.text
    assert "会做群众工作 (0–25)" in page.text
    assert "系统默认" in page.text
    assert "保存为新版本" not in page.text, "auditors read the setup, they do not change it"


def test_staff_save_a_new_version_of_the_criteria(browse, committee, roster, admin):
    staff = browse("staff")
    response = staff.post(
        f"/t/{committee.slug}/recruitment/screening/criteria",
        data={
            # the second item dropped (emptied), the first reworded, one added in an empty row
            "key": [*DEFAULT_KEYS, "", "", ""],
            "text": ["遵纪守法", "", DEFAULT_CRITERIA[2], DEFAULT_CRITERIA[3], "", "党员优先", ""],
        },
    )
    assert response.status_code == 303, response.text
    versions = roster.get("/v1/recruitment/criteria", headers=admin).json()
    assert [version["version"] for version in versions] == [2, 1]
    assert versions[0]["items"] == [
        {"key": "law_abiding", "text": "遵纪守法"},
        {"key": "health", "text": DEFAULT_CRITERIA[2]},
        {"key": "willing", "text": DEFAULT_CRITERIA[3]},
        {"key": "item_1", "text": "党员优先"},
    ]
    page = staff.get(f"/t/{committee.slug}/recruitment/screening")
    assert "任职条件已保存为第 2 版" in page.text
    assert "党员优先" in page.text


def test_staff_save_a_new_rubric(browse, committee, roster, admin):
    response = browse("staff").post(
        f"/t/{committee.slug}/recruitment/screening/rubric",
        data={
            "key": ["political", "coordination", "", ""],
            "label": ["政治素质好", "协调能力好", "群众基础好", ""],
            "max_score": ["40", "30", "30", ""],
        },
    )
    assert response.status_code == 303, response.text
    [current, _default] = roster.get("/v1/recruitment/rubrics", headers=admin).json()
    assert current["version"] == 2
    assert current["max_total"] == 100
    assert current["items"][2] == {"key": "item_1", "label": "群众基础好", "max_score": 30}


@pytest.mark.parametrize(("max_score", "status"), [("0", 422), ("很多", 400)])
def test_a_bad_rubric_is_refused_and_nothing_is_stored(browse, committee, roster, admin, max_score, status):
    page = browse("staff").post(
        f"/t/{committee.slug}/recruitment/screening/rubric",
        data={"key": ["political", ""], "label": ["政治素质好", "新项目"], "max_score": ["25", max_score]},
    )
    assert page.status_code == status, page.text
    assert 'class="form-error"' in page.text
    assert 'value="新项目"' in page.text
    assert roster.get("/v1/recruitment/rubrics", headers=admin).json() == []


def test_no_criteria_at_all_is_refused(browse, committee, roster, admin):
    page = browse("staff").post(
        f"/t/{committee.slug}/recruitment/screening/criteria", data={"key": DEFAULT_KEYS, "text": [""] * 4}
    )
    assert page.status_code == 422, page.text
    assert roster.get("/v1/recruitment/criteria", headers=admin).json() == []


def test_another_committee_cannot_open_or_change_the_setup(browse, committee, roster, admin):
    sibling = browse("sibling_admin")
    assert sibling.get(f"/t/{committee.slug}/recruitment/screening").status_code == 404
    refused = sibling.post(
        f"/t/{committee.slug}/recruitment/screening/criteria", data={"key": [""], "text": ["别人的"]}
    )
    assert refused.status_code == 404
    assert roster.get("/v1/recruitment/criteria", headers=admin).json() == []
