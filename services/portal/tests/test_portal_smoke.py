"""The portal's front door: signing in, a committee's dashboard, and the language switch."""

import pytest

pytestmark = pytest.mark.integration


def test_sign_in_lands_on_the_committee_dashboard_in_chinese(browse, world):
    admin = browse("tenant_admin")
    page = admin.get(f"/t/{world.committee.slug}/")
    assert page.status_code == 200, page.text
    assert "本月" in page.text


def test_login_page_is_chinese_by_default(anonymous):
    page = anonymous.get("/login")
    assert page.status_code == 200
    assert "登录" in page.text
