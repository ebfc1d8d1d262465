"""Mentor pairs (以老带新、结对学) in the portal: the list, pairing two volunteers, ending a pair with a reason —
each change checked in the roster, bad input refused with nothing written, another committee's pairs unseen."""

import pytest

pytestmark = pytest.mark.integration


def pair_up(roster, headers, mentor: str, mentee: str) -> dict:
    response = roster.post(
        "/v1/mentor-pairs",
        json={"mentor_id": mentor, "mentee_id": mentee, "starts_on": "2025-03-01", "goals": "熟悉楼栋走访"},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


def pairs_in_roster(roster, headers, state: str = "all") -> list[dict]:
    response = roster.get("/v1/mentor-pairs", params={"state": state}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]


@pytest.fixture
def roster(services):
    return services["roster"].client


def test_pairing_two_volunteers_shows_the_pair(browse, committee, login, roster, enrol):
    headers = login("tenant_admin")
    mentor, mentee = enrol("王老师"), enrol("小李")
    admin = browse("tenant_admin")
    base = f"/t/{committee.slug}/mentoring"

    form = admin.get(f"{base}/new")
    assert form.status_code == 200, form.text
    assert "王老师" in form.text
    assert "导师" in form.text

    made = admin.post(
        base,
        data={"mentor_id": mentor, "mentee_id": mentee, "starts_on": "2025-03-01", "goals": "学习入户走访"},
    )
    assert made.status_code == 303, made.text
    [pair] = pairs_in_roster(roster, headers)
    assert (pair["mentor_id"], pair["mentee_id"], pair["goals"]) == (mentor, mentee, "学习入户走访")
    assert made.headers["location"] == f"{base}/{pair['id']}"

    page = admin.get(made.headers["location"])
    assert page.status_code == 200
    assert "结对已建立" in page.text
    assert "学习入户走访" in page.text
    assert "小李" in page.text

    listed = admin.get(base)
    assert listed.status_code == 200
    assert "导师" in listed.text
    assert "王老师" in listed.text
    assert "2025-03-01" in listed.text


def test_ending_a_pair_records_the_reason(browse, committee, login, roster, enrol):
    headers = login("tenant_admin")
    pair = pair_up(roster, headers, enrol("赵阿姨"), enrol("小周"))
    staff = browse("staff")
    base = f"/t/{committee.slug}/mentoring"

    ended = staff.post(f"{base}/{pair['id']}/end", data={"ended_on": "2025-06-30", "reason": "已能独立服务"})
    assert ended.status_code == 303, ended.text
    [stored] = pairs_in_roster(roster, headers, "ended")
    assert (stored["ended_on"], stored["ended_reason"]) == ("2025-06-30", "已能独立服务")

    page = staff.get(f"{base}?state=ended")
    assert "赵阿姨" in page.text
    assert "已结束 2025-06-30" in page.text
    assert pairs_in_roster(roster, headers, "open") == []


def test_bad_pairs_and_endings_are_refused_and_nothing_is_written(browse, committee, login, roster, enrol):
    headers = login("tenant_admin")
    same = enrol("孙师傅")
    admin = browse("tenant_admin")
    base = f"/t/{committee.slug}/mentoring"

    oneself = admin.post(base, data={"mentor_id": same, "mentee_id": same, "starts_on": "2025-03-01"})
    assert 400 <= oneself.status_code < 500
    assert "结对" in oneself.text
    assert "孙师傅" in oneself.text
    nobody = admin.post(base, data={"mentor_id": "", "mentee_id": same, "starts_on": "not a day"})
    assert 400 <= nobody.status_code < 500
    assert pairs_in_roster(roster, headers) == []

    pair = pair_up(roster, headers, same, enrol("小吴"))
    no_reason = admin.post(f"{base}/{pair['id']}/end", data={"ended_on": "2025-06-30", "reason": ""})
    assert 400 <= no_reason.status_code < 500
    before_start = admin.post(f"{base}/{pair['id']}/end", data={"ended_on": "2025-01-01", "reason": "搬家"})
    assert 400 <= before_start.status_code < 500
    assert [p["state"] for p in pairs_in_roster(roster, headers)] == ["open"]


def test_another_committees_pairs_do_not_exist_for_you(browse, committee, world, login, roster, enrol):
    headers = login("tenant_admin")
    pair = pair_up(roster, headers, enrol("钱大姐"), enrol("小郑"))
    sibling = browse("sibling_admin")

    assert sibling.get(f"/t/{committee.slug}/mentoring").status_code == 404
    own = f"/t/{world.sibling.slug}/mentoring"
    assert sibling.get(f"{own}/{pair['id']}").status_code == 404
    ended = sibling.post(f"{own}/{pair['id']}/end", data={"ended_on": "2025-06-30", "reason": "越权"})
    assert ended.status_code == 404
    assert [p["state"] for p in pairs_in_roster(roster, headers)] == ["open"]
