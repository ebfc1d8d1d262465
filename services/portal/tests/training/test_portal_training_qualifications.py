"""Qualifications: who holds a valid one today, whose runs out soon, and revoking one with a reason."""

from datetime import date, timedelta

import pytest

pytestmark = pytest.mark.integration


def _course(roster, headers, **body) -> dict:
    response = roster.post("/v1/courses", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def _pass(roster, headers, course: dict, volunteer_id: str, on: date) -> dict:
    body = {"volunteer_id": volunteer_id, "completed_on": on.isoformat(), "passed": True}
    response = roster.post(f"/v1/courses/{course['id']}/completions", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["qualification"]


@pytest.fixture
def holders(services, login, committee, enrol) -> dict:
    """刘洋's first-aid certificate runs out within days (a one-month grant from nearly a month ago);
    陈静's has nearly two years to go."""
    roster, headers = services["roster"].client, login("tenant_admin")
    today = date.today()
    short = _course(roster, headers, name="应急救护复训", qualification="应急救护证", validity_months=1)
    long = _course(roster, headers, name="应急救护培训", qualification="应急救护证", validity_months=24)
    liu = enrol("刘洋")
    chen = enrol("陈静")
    return {
        "liu": _pass(roster, headers, short, liu, today - timedelta(days=25)),
        "chen": _pass(roster, headers, long, chen, today - timedelta(days=10)),
    }


def test_holders_of_a_valid_qualification_with_the_soon_expiring_flagged(browse, committee, holders):
    page = browse("auditor").get(f"/t/{committee.slug}/training/qualifications")
    assert page.status_code == 200, page.text
    text = page.text
    assert "有效资质持有人" in text
    assert "应急救护证" in text
    assert "刘洋" in text
    assert "陈静" in text
    soon = text[text.index("即将到期") : text.index('id="holders"')]
    assert "刘洋" in soon
    assert "陈静" not in soon
    assert "撤销" not in text


def test_a_qualification_nobody_holds_shows_an_empty_list(browse, committee, holders):
    page = browse("tenant_admin").get(f"/t/{committee.slug}/training/qualifications?name=消防安全员")
    assert page.status_code == 200
    assert "目前没有人持有这项有效资质" in page.text


def test_admin_revokes_a_qualification_with_a_reason(browse, committee, holders, services, login):
    admin = browse("tenant_admin")
    path = f"/t/{committee.slug}/training/qualifications/{holders['chen']['id']}"
    page = admin.get(path)
    assert page.status_code == 200
    assert "陈静" in page.text
    assert "撤销资质" in page.text
    response = admin.post(f"{path}/revoke", data={"reason": "证书造假"})
    assert response.status_code == 303, response.text
    grant = (
        services["roster"]
        .client.get(f"/v1/qualifications/{holders['chen']['id']}", headers=login("tenant_admin"))
        .json()
    )
    assert grant["status"] == "revoked"
    assert grant["revoked_reason"] == "证书造假"
    page = admin.get(path)
    assert "资质已撤销" in page.text
    assert "证书造假" in page.text
    assert "撤销资质" not in page.text
    listed = admin.get(f"/t/{committee.slug}/training/qualifications").text
    assert "陈静" not in listed


def test_a_revocation_without_a_reason_is_refused_and_the_grant_stays(
    browse, committee, holders, services, login
):
    path = f"/t/{committee.slug}/training/qualifications/{holders['chen']['id']}"
    response = browse("tenant_admin").post(f"{path}/revoke", data={"reason": "  "})
    assert 400 <= response.status_code < 500
    assert "撤销资质" in response.text
    grant = (
        services["roster"]
        .client.get(f"/v1/qualifications/{holders['chen']['id']}", headers=login("tenant_admin"))
        .json()
    )
    assert grant["status"] == "active"


def test_an_auditor_cannot_revoke(browse, committee, holders, services, login):
    path = f"/t/{committee.slug}/training/qualifications/{holders['chen']['id']}"
    auditor = browse("auditor")
    assert "撤销资质" not in auditor.get(path).text
    assert auditor.post(f"{path}/revoke", data={"reason": "越权"}).status_code == 403
    grant = (
        services["roster"]
        .client.get(f"/v1/qualifications/{holders['chen']['id']}", headers=login("tenant_admin"))
        .json()
    )
    assert grant["status"] == "active"


def test_another_committee_never_sees_the_qualifications(browse, committee, holders, services, login, enrol):
    assert browse("sibling_admin").get(f"/t/{committee.slug}/training/qualifications").status_code == 404
    roster, sibling = services["roster"].client, login("sibling_admin")
    course = _course(roster, sibling, name="乙的救护课", qualification="应急救护证", validity_months=12)
    theirs = _pass(roster, sibling, course, enrol("乙某", as_user="sibling_admin"), date.today())
    admin = browse("tenant_admin")
    path = f"/t/{committee.slug}/training/qualifications/{theirs['id']}"
    assert admin.get(path).status_code == 404
    assert admin.post(f"{path}/revoke", data={"reason": "越界"}).status_code == 404
    assert roster.get(f"/v1/qualifications/{theirs['id']}", headers=sibling).json()["status"] == "active"
