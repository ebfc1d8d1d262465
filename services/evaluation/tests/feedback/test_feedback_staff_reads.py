"""What staff do and read: a record's feedback link and QR code; a record's 评价情况; a volunteer's
satisfaction (and a volunteer's own); the committees' summary for a town or district. Roles, and another
committee's ids → 404."""

import uuid
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

import pytest

from linli_shared.clock import SHANGHAI

NOW = datetime(2026, 11, 10, 10, 0, tzinfo=SHANGHAI)
PROBLEM = "application/problem+json"


# the feedback link -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["staff", "tenant_admin"])
def test_staff_get_a_records_link_and_qr_code(
    role, committee, register, record, link, login, feedback_client, evaluation_settings, clock
):
    volunteer = register(committee.tenant, "许阿姨")
    record_id = record(committee.tenant, volunteer)
    clock.at = NOW
    answer = feedback_client.get(f"/v1/records/{record_id}/feedback-link", headers=login(role))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    token = link(committee.tenant, record_id)
    assert body["url"] == f"{evaluation_settings.public_url}/feedback/{token}"
    assert datetime.fromisoformat(body["expires_at"]) == datetime(2026, 12, 8, tzinfo=SHANGHAI)
    assert body["qr_svg"].startswith("<svg")
    assert 'xmlns="http://www.w3.org/2000/svg"' in body["qr_svg"]
    # the link printed is the page the resident opens
    assert feedback_client.get(urlsplit(body["url"]).path).status_code == 200


@pytest.mark.parametrize("role", ["auditor", "volunteer", "town_admin", "district_admin"])
def test_only_committee_staff_hand_out_links(role, committee, register, record, login, feedback_client):
    volunteer = register(committee.tenant, "何师傅")
    record_id = record(committee.tenant, volunteer)
    answer = feedback_client.get(f"/v1/records/{record_id}/feedback-link", headers=login(role))
    assert answer.status_code == 403
    assert answer.headers["content-type"] == PROBLEM


def test_no_link_for_another_committees_unknown_voided_or_closed_record(
    committee, world, register, record, void, login, feedback_client, clock
):
    staff = login("staff")
    clock.at = NOW
    theirs = record(world.sibling, register(world.sibling, "吕叔"))
    assert feedback_client.get(f"/v1/records/{theirs}/feedback-link", headers=staff).status_code == 404
    unknown = feedback_client.get(f"/v1/records/{uuid.uuid4()}/feedback-link", headers=staff)
    assert unknown.status_code == 404
    assert unknown.json()["type"].endswith("/service-record-not-found")
    assert feedback_client.get("/v1/records/not-a-uuid/feedback-link", headers=staff).status_code == 422
    assert feedback_client.get(f"/v1/records/{theirs}/feedback-link").status_code == 401

    volunteer = register(committee.tenant, "施阿姨")
    voided = record(committee.tenant, volunteer)
    void(committee.tenant, voided, volunteer)
    answer = feedback_client.get(f"/v1/records/{voided}/feedback-link", headers=staff)
    assert answer.status_code == 409
    assert answer.json()["type"].endswith("/service-record-voided")

    old = record(committee.tenant, volunteer, on=date(2026, 10, 1))
    closed = feedback_client.get(f"/v1/records/{old}/feedback-link", headers=staff)
    assert closed.status_code == 409
    assert closed.json()["type"].endswith("/feedback-closed")


# a record's 评价情况 ------------------------------------------------------------------------------------------


def test_a_records_rating_as_staff_towns_and_auditors_read_it(
    committee, world, register, record, link, rate, void, login, feedback_client, clock
):
    volunteer = register(committee.tenant, "张阿姨")
    rated = record(committee.tenant, volunteer)
    waiting = record(committee.tenant, volunteer)
    old = record(committee.tenant, volunteer, on=date(2026, 9, 1))
    voided = record(committee.tenant, volunteer)
    void(committee.tenant, voided, volunteer)
    assert rate(link(committee.tenant, rated), 4, "很准时").status_code == 200

    for role in ("staff", "tenant_admin", "auditor", "town_admin", "district_admin"):
        headers = login(role)
        body = feedback_client.get(f"/v1/records/{rated}/rating", headers=headers).json()
        assert body["status"] == "rated", role
        assert (body["score"], body["score_text"], body["comment"]) == (4, "满意", "很准时")
        assert datetime.fromisoformat(body["submitted_at"]) == NOW + timedelta(seconds=5)
    staff = login("staff")
    statuses = {
        record_id: feedback_client.get(f"/v1/records/{record_id}/rating", headers=staff).json()["status"]
        for record_id in (waiting, old, voided)
    }
    assert statuses == {waiting: "awaiting", old: "expired", voided: "voided"}
    awaiting = feedback_client.get(f"/v1/records/{waiting}/rating", headers=staff).json()
    assert awaiting["score"] is None
    assert awaiting["comment"] is None

    assert feedback_client.get(f"/v1/records/{rated}/rating", headers=login("volunteer")).status_code == 403
    assert (
        feedback_client.get(f"/v1/records/{rated}/rating", headers=login("sibling_admin")).status_code == 404
    )
    assert (
        feedback_client.get(f"/v1/records/{rated}/rating", headers=login("other_town_admin")).status_code
        == 404
    )
    assert feedback_client.get(f"/v1/records/{uuid.uuid4()}/rating", headers=staff).status_code == 404


# a volunteer's satisfaction --------------------------------------------------------------------------------


def test_a_volunteers_satisfaction_counts_ratings_of_their_records_on_the_books(
    committee, register, record, link, rate, void, login, feedback_client
):
    volunteer = register(committee.tenant, "钱大妈")
    other = register(committee.tenant, "孔大爷")
    scored = [(5, "非常热心"), (4, ""), (5, "准时到"), (2, "来晚了")]
    for offset, (score, comment) in enumerate(scored):
        token = link(committee.tenant, record(committee.tenant, volunteer))
        assert rate(token, score, comment, at=NOW + timedelta(minutes=offset)).status_code == 200
    voided = record(committee.tenant, volunteer)
    assert rate(link(committee.tenant, voided), 1, "不算数", at=NOW + timedelta(minutes=9)).status_code == 200
    void(committee.tenant, voided, volunteer)
    assert rate(link(committee.tenant, record(committee.tenant, other)), 1, "别人的").status_code == 200

    answer = feedback_client.get(f"/v1/volunteers/{volunteer}/satisfaction", headers=login("staff"))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["name"] == "钱大妈"
    assert body["ratings"] == 4
    assert body["average"] == 4.0
    assert body["satisfied_rate"] == 0.75
    assert body["distribution"] == {"1": 0, "2": 1, "3": 0, "4": 1, "5": 2}
    assert [item["comment"] for item in body["recent_comments"]] == ["来晚了", "准时到", "非常热心"]
    assert body["recent_comments"][0]["activity_name"] == "垃圾分类值守"

    for role in ("auditor", "town_admin", "district_admin"):
        assert (
            feedback_client.get(f"/v1/volunteers/{volunteer}/satisfaction", headers=login(role)).status_code
            == 200
        )


def test_a_volunteer_without_ratings_and_the_volunteers_of_others(
    committee, world, register, login, feedback_client
):
    quiet = register(committee.tenant, "曹阿姨")
    body = feedback_client.get(f"/v1/volunteers/{quiet}/satisfaction", headers=login("staff")).json()
    assert (body["ratings"], body["average"], body["satisfied_rate"]) == (0, None, None)
    assert body["distribution"] == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0}
    assert body["recent_comments"] == []

    theirs = register(world.sibling, "严叔")
    for role in ("staff", "other_town_admin"):
        answer = feedback_client.get(f"/v1/volunteers/{theirs}/satisfaction", headers=login(role))
        assert answer.status_code == 404
        assert answer.json()["type"].endswith("/volunteer-not-found")
    assert (
        feedback_client.get(f"/v1/volunteers/{uuid.uuid4()}/satisfaction", headers=login("staff")).status_code
        == 404
    )
    assert (
        feedback_client.get(f"/v1/volunteers/{quiet}/satisfaction", headers=login("volunteer")).status_code
        == 403
    )


def test_a_volunteer_reads_their_own_satisfaction(
    committee, me, register, record, link, rate, login, feedback_client
):
    assert rate(link(committee.tenant, record(committee.tenant, me)), 5, "谢谢王阿姨").status_code == 200
    other = register(committee.tenant, "华叔")
    assert rate(link(committee.tenant, record(committee.tenant, other)), 1).status_code == 200

    answer = feedback_client.get("/v1/me/satisfaction", headers=login("volunteer"))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["volunteer_id"], body["ratings"], body["average"]) == (str(me), 1, 5.0)
    assert [item["comment"] for item in body["recent_comments"]] == ["谢谢王阿姨"]
    assert feedback_client.get("/v1/me/satisfaction", headers=login("staff")).status_code == 403


def test_a_volunteer_login_not_linked_to_a_volunteer(committee, login, feedback_client):
    answer = feedback_client.get("/v1/me/satisfaction", headers=login("volunteer"))
    assert answer.status_code == 404
    assert answer.json()["type"].endswith("/volunteer-not-linked")


# committees' satisfaction ----------------------------------------------------------------------------------


def test_committees_satisfaction_per_subtree_by_service_date(
    committee, world, register, record, link, rate, login, feedback_client, clock
):
    a = register(committee.tenant, "金阿姨")
    b = register(world.sibling, "魏叔")
    c = register(world.far_committee, "陶阿婆")
    rate(link(committee.tenant, record(committee.tenant, a)), 5)
    rate(link(committee.tenant, record(committee.tenant, a)), 3)
    record(committee.tenant, a)  # served, not rated
    rate(link(world.sibling, record(world.sibling, b)), 2)
    rate(link(world.far_committee, record(world.far_committee, c)), 4)
    # served in October: outside November, rated within its link's life
    october = record(committee.tenant, a, on=date(2026, 10, 30))
    rate(link(committee.tenant, october, on=date(2026, 10, 30)), 1)

    def summary(role: str, **query) -> dict:
        answer = feedback_client.get("/v1/satisfaction", params=query, headers=login(role))
        assert answer.status_code == 200, answer.text
        return answer.json()

    november = {"from": "2026-11-01", "to": "2026-11-30"}
    own = summary("staff", **november)
    assert (own["from"], own["to"]) == ("2026-11-01", "2026-11-30")
    [row] = own["committees"]
    assert (row["committee_id"], row["name"]) == (str(committee.id), "甲居民区")
    assert (row["records"], row["ratings"], row["average"], row["response_rate"]) == (3, 2, 4.0, 0.6667)
    assert row["distribution"] == {"1": 0, "2": 0, "3": 1, "4": 0, "5": 1}
    assert row["satisfied_rate"] == 0.5

    town = summary("town_admin", **november)
    assert sorted(item["name"] for item in town["committees"]) == sorted(["甲居民区", "乙居民区"])
    assert (town["records"], town["ratings"], town["average"]) == (4, 3, round(10 / 3, 2))

    district = summary("district_admin", **november)
    assert {item["name"] for item in district["committees"]} == {"甲居民区", "乙居民区", "丙居民区"}
    assert (district["records"], district["ratings"]) == (5, 4)

    autumn = summary("staff", **{"from": "2026-10-01", "to": "2026-11-30"})
    assert (autumn["records"], autumn["ratings"]) == (4, 3)

    clock.at = NOW
    this_month = summary("auditor")
    assert (this_month["from"], this_month["to"]) == ("2026-11-01", "2026-11-10")
    assert this_month["ratings"] == 2


def test_a_summary_period_must_run_forwards_and_needs_a_reader(committee, login, feedback_client, clock):
    clock.at = NOW
    staff = login("staff")
    backwards = feedback_client.get(
        "/v1/satisfaction", params={"from": "2026-11-30", "to": "2026-11-01"}, headers=staff
    )
    assert backwards.status_code == 422
    assert backwards.json()["type"].endswith("/period-invalid")
    assert (
        feedback_client.get("/v1/satisfaction", params={"from": "november"}, headers=staff).status_code == 422
    )
    assert feedback_client.get("/v1/satisfaction", headers=login("volunteer")).status_code == 403
    empty = feedback_client.get("/v1/satisfaction", params={"from": "2026-11-01"}, headers=staff).json()
    assert (empty["records"], empty["ratings"], empty["average"], empty["response_rate"]) == (
        0,
        0,
        None,
        None,
    )
