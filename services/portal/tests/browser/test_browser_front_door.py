"""The front door in a real browser: signing in lands a committee admin on their own portal, in Chinese;
the English switch; and another committee's portal does not exist for them."""

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.browser]


def sign_in(page, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("邮箱或手机号").fill(email)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_a_committee_admin_signs_in_to_their_own_portal(open_browser, world, password, committee, screenshot):
    page = open_browser()
    sign_in(page, world.email("tenant_admin"), password)
    page.wait_for_url(f"**/t/{world.committee.slug}/")
    assert page.get_by_role("heading", level=1).inner_text().startswith(world.committee.name)
    assert page.locator("canvas[data-chart]").count() == 1
    cookie = next(c for c in page.context.cookies() if c["name"] == "linli_session")
    assert cookie["httpOnly"]
    assert cookie["secure"]
    assert cookie["sameSite"] == "Lax"
    screenshot(page, "committee-dashboard")

    page.get_by_role("button", name="English").click()
    page.wait_for_url(f"**/t/{world.committee.slug}/")
    assert page.get_by_role("link", name="Dashboard").count() == 1
    page.get_by_role("button", name="中文").click()
    assert page.get_by_role("link", name="工作台").count() == 1


def test_another_committees_portal_does_not_exist_for_a_committee_admin(
    open_browser, world, password, committee, screenshot
):
    page = open_browser()
    sign_in(page, world.email("tenant_admin"), password)
    page.wait_for_url(f"**/t/{world.committee.slug}/")
    response = page.goto(f"/t/{world.sibling.slug}/")
    assert response.status == 404
    assert "页面不存在" in page.content()
    assert world.sibling.name not in page.content()
    screenshot(page, "not-yours-404")


def test_a_wrong_password_stays_on_the_login_page(open_browser, world):
    page = open_browser()
    sign_in(page, world.email("tenant_admin"), "not the password")
    assert page.get_by_role("alert").inner_text() == "邮箱或手机号与密码不匹配。"
