"""The committee's front page and team: the dashboard's numbers, inviting an auditor who then signs in to the
same committee's portal, and nobody else's committee."""

import re

import pytest

pytestmark = pytest.mark.integration


def test_the_dashboard_shows_the_month_and_the_coverage_gaps(browse, world, services, login):
    services["roster"].client.post(
        "/v1/areas", json={"kind": "grid", "name": "第一网格"}, headers=login("staff")
    ).raise_for_status()
    page = browse("staff").get(f"/t/{world.committee.slug}/")
    assert page.status_code == 200
    assert "活跃志愿者" in page.text
    assert "第一网格" in page.text  # nobody is responsible for it yet


def test_an_admin_invites_an_auditor_who_signs_in_to_this_committee(browse, world, new_browser):
    admin = browse("tenant_admin")
    team = admin.get(f"/t/{world.committee.slug}/team")
    assert "居委团队" in team.text
    assert world.email("staff") in team.text
    email = f"auditor.{world.committee.slug}@test.linli.cn"
    issued = admin.post(
        f"/t/{world.committee.slug}/team/invitations",
        {"display_name": "督查员 王", "email": email, "role": "auditor"},
    )
    assert issued.status_code == 200
    link = re.search(r'href="([^"]+)" data-invitation-link', issued.text).group(1)
    assert link.startswith("https://portal.test/invitations/accept?token=")
    assert "<svg" in issued.text

    auditor = new_browser()
    auditor.get(link.removeprefix("https://portal.test").replace("&amp;", "&"))
    token = re.search(r"token=([^&\"]+)", link).group(1)
    accepted = auditor.post(
        "/invitations/accept",
        {"token": token, "password": "auditor password 1", "password_again": "auditor password 1"},
    )
    assert accepted.status_code == 303
    assert accepted.headers["location"] == f"/t/{world.committee.slug}/"
    assert "督查员 王" in admin.get(f"/t/{world.committee.slug}/team").text


def test_bad_invitations_are_refused_and_nothing_is_issued(browse, world):
    admin = browse("tenant_admin")
    bad_role = admin.post(
        f"/t/{world.committee.slug}/team/invitations",
        {"display_name": "某人", "email": "someone@test.linli.cn", "role": "district_admin"},
    )
    assert bad_role.status_code == 400
    bad_email = admin.post(
        f"/t/{world.committee.slug}/team/invitations",
        {"display_name": "某人", "email": "not an email", "role": "staff"},
    )
    assert bad_email.status_code == 422
    assert "data-invitation-link" not in bad_email.text
    assert "not an email" not in admin.get(f"/t/{world.committee.slug}/team").text


def test_staff_cannot_invite_and_another_committee_is_not_there(browse, world):
    staff = browse("staff")
    refused = staff.post(
        f"/t/{world.committee.slug}/team/invitations",
        {"display_name": "某人", "email": "someone@test.linli.cn", "role": "auditor"},
    )
    assert refused.status_code == 403
    sibling = browse("sibling_admin")
    assert sibling.get(f"/t/{world.committee.slug}/team").status_code == 404
    assert sibling.get(f"/t/{world.committee.slug}/").status_code == 404
    form = sibling.post(
        f"/t/{world.committee.slug}/team/invitations",
        {"display_name": "某人", "email": "someone@test.linli.cn", "role": "staff"},
    )
    assert form.status_code == 404


def test_changes_without_the_form_token_are_refused(browse, world):
    admin = browse("tenant_admin")
    admin.token = "forged"
    refused = admin.post(
        f"/t/{world.committee.slug}/team/invitations",
        {"display_name": "某人", "email": "someone@test.linli.cn", "role": "staff"},
    )
    assert refused.status_code == 403
    assert "表单已过期" in refused.text
