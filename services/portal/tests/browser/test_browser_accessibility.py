"""Every form control has a label a screen reader reads, every page says its language and has one main
heading, and the keyboard reaches the content first — on each page of a committee's portal, a district's,
and a volunteer's."""

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.browser]

COMMITTEE_PAGES = [
    "/",
    "/volunteers",
    "/volunteers/new",
    "/volunteers/import",
    "/recruitment",
    "/recruitment/needs",
    "/recruitment/screening",
    "/recruitment/notices",
    "/recruitment/rules",
    "/areas",
    "/training",
    "/training/qualifications",
    "/mentoring",
    "/mentoring/new",
    "/deliberation",
    "/mediation",
    "/mediation/new",
    "/projects",
    "/projects/new",
    "/calendar",
    "/activities",
    "/activities/new",
    "/records",
    "/records/late-entries",
    "/records/corrections",
    "/audits",
    "/audits/tasks",
    "/audits/reports",
    "/recognition",
    "/reports",
    "/reports/scores",
    "/reports/stars",
    "/certificates",
    "/certificates/new",
    "/team",
]
DISTRICT_PAGES = [
    "/",
    "/committees",
    "/reports",
    "/policies/hours",
    "/policies/stars",
    "/policies/audits",
    "/policies/scores",
    "/awards",
]

#: the visible controls with no name from a <label>, aria-label or aria-labelledby
UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => el.type !== 'hidden' && el.offsetParent !== null)
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby') && !el.closest('[aria-hidden=true]'))
  .map(el => el.outerHTML.slice(0, 120))"""


def sign_in(page, email, password):
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_load_state()


def check(page, path):
    response = page.goto(path)
    assert response.status == 200, f"{path}: {response.status}"
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert page.locator("h1").count() == 1, path
    assert page.evaluate(UNLABELLED) == [], path


def test_a_committees_pages_are_labelled(open_browser, world, password, committee):
    page = open_browser()
    sign_in(page, world.email("tenant_admin"), password)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"  # skip to content first
    for path in COMMITTEE_PAGES:
        check(page, f"/t/{world.committee.slug}{path}")


def test_a_districts_pages_are_labelled(open_browser, world, password, committee):
    page = open_browser()
    sign_in(page, world.email("district_admin"), password)
    for path in DISTRICT_PAGES:
        check(page, f"/d/{world.district.slug}{path}")
