"""The programme's whole loop, clicked through in headless Chromium against the real services:

a district admin onboards a committee and invites its admin; the admin imports the volunteers from .xlsx,
plans a weekly duty and gives a volunteer a login; the volunteer, on a phone, signs up and checks in and out
by the site's QR code; the resident served rates it from the signed link; the month's audit is committed,
drawn and worked through by an invited auditor; and the district's reports show the hours.

Scheduling, evaluation and the portal stand at moments of March and April 2027 (`clock`); identity and the
roster run on real time. `settle()` is the system catching up between clicks (events over Kafka, tallies)."""

import io
import re
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from openpyxl import Workbook

from linli_shared.clock import SHANGHAI

pytestmark = [pytest.mark.integration, pytest.mark.browser, pytest.mark.e2e]

PASSWORD = "a good long password"
#: a Saturday; the duty runs on the next four
FIRST_DUTY = datetime(2027, 3, 6, 9, 0, tzinfo=SHANGHAI)


def shanghai(year, month, day, hour=9, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


def path_of(link: str) -> str:
    """A link the portal printed (its public address) as a path on the server under test."""
    parts = urlsplit(link)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def volunteer_sheet() -> dict:
    book = Workbook()
    sheet = book.active
    sheet.append(["北门居民区志愿者名册"])
    sheet.append(["序号", "姓名", "手机号", "技能", "是否党员", "加入日期", "来源渠道"])
    suffix = f"{uuid.uuid4().int % 10**7:07d}"
    sheet.append([1, "王芳", f"1380{suffix}", "理发", "是", "2023-05-01", "个人自荐"])
    sheet.append([2, "李强", f"1390{suffix}", "", "否", "2024-01-15", "组织推荐"])
    sheet.append([3, "赵敏", f"1370{suffix}", "急救", "否", "2024-06-01", "居民联荐"])
    out = io.BytesIO()
    book.save(out)
    return {
        "name": "北门志愿者名册.xlsx",
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "buffer": out.getvalue(),
    }


def sign_in(page, email: str, password: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("form[action='/login'] button[type=submit]")


def accept_invitation(page, link: str) -> None:
    page.goto(path_of(link))
    page.fill("#password", PASSWORD)
    page.fill("#password_again", PASSWORD)
    page.click("form[action='/invitations/accept'] button[type=submit]")


def test_the_programme_loop_in_a_browser(open_browser, world, password, committee, settle, clock, screenshot):
    clock.at = shanghai(2027, 3, 1)
    tag = uuid.uuid4().hex[:6]

    # a district admin onboards a committee and invites its admin -------------------------------------
    district = open_browser()
    district.on("dialog", lambda dialog: dialog.accept())
    sign_in(district, world.email("district_admin"), password)
    district.wait_for_url(f"**/d/{world.district.slug}/")
    district.goto(f"/d/{world.district.slug}/committees")
    district.select_option("#parent_id", str(world.town.id))
    district.fill("#name", "北门居民区")
    district.fill("#short_name", f"beimen-{tag}")
    district.click("form[action$='/committees'] button[type=submit]")
    district.wait_for_url(re.compile(r".*/committees/[0-9a-f-]{36}$"))
    district.fill("#display_name", "北门居委 钱芳")
    district.fill("#email", f"admin.beimen.{tag}@test.linli.cn")
    district.click("form[action$='/invitations'] button[type=submit]")
    admin_link = district.input_value("#link")
    screenshot(district, "district-onboarding-invitation")
    settle()  # the new committee reaches the roster, scheduling and evaluation

    # its admin accepts, imports the volunteers and plans a weekly duty --------------------------------
    admin = open_browser()
    admin.on("dialog", lambda dialog: dialog.accept())
    accept_invitation(admin, admin_link)
    admin.wait_for_url(f"**/t/beimen-{tag}/")
    base = f"/t/beimen-{tag}"
    admin.goto(f"{base}/volunteers/import")
    admin.set_input_files("#file", volunteer_sheet())
    admin.click(f"form[action='{base}/volunteers/import'] button[type=submit]")
    admin.wait_for_selector("text=王芳")
    screenshot(admin, "volunteer-import-preview")
    admin.click(f"form[action='{base}/volunteers/import/confirm'] button[type=submit]")
    admin.wait_for_url(f"**{base}/volunteers")
    assert "已导入 3 名志愿者" in admin.content()
    settle()  # scheduling and evaluation learn the volunteers

    admin.goto(f"{base}/activities/new")
    admin.fill("#name", "周六敬老院陪伴")
    admin.fill("#content", "陪伴老人聊天、读报")
    admin.fill("#recipient", "敬老院老人")
    admin.fill("#place", "北门敬老院")
    admin.fill("#start_date", FIRST_DUTY.date().isoformat())
    admin.fill("#start_time", "09:00")
    admin.fill("#duration_minutes", "120")
    admin.check("#repeat-weekly")
    admin.check("#weekday-SA")
    admin.check("#ends-count")
    admin.fill("#count", "4")
    admin.fill("#capacity", "2")
    admin.click(f"form[action='{base}/activities'] button[type=submit]")
    admin.wait_for_url(re.compile(r".*/activities/[0-9a-f-]{36}$"))
    shift_links = admin.locator("a[href*='/shifts/']")
    assert shift_links.count() == 4
    shift_path = shift_links.first.get_attribute("href")
    screenshot(admin, "recurring-activity")

    admin.goto(f"{base}/volunteers")
    admin.click("text=王芳")
    admin.click("form[action$='/login-invitation'] button[type=submit]")
    volunteer_link = admin.get_attribute("a[data-invitation-link]", "href")

    # the volunteer, on a phone: a password, an open shift, a place -----------------------------------
    phone = open_browser(phone=True)
    phone.on("dialog", lambda dialog: dialog.accept())
    accept_invitation(phone, volunteer_link)
    phone.wait_for_url("**/me/")
    settle()  # the login is linked to 王芳 in the roster, and scheduling learns it
    phone.goto("/me/shifts")
    assert phone.locator("article").count() == 4
    screenshot(phone, "volunteer-phone-open-shifts")
    phone.locator("form[action='/me/signups'] button[type=submit]").first.click()
    phone.wait_for_url("**/me/")
    assert "报名成功" in phone.content()
    screenshot(phone, "volunteer-phone-my-shifts")

    # at the site: the screen shows the rotating QR code; the phone scans it in and out ----------------
    clock.at = FIRST_DUTY.astimezone(UTC) - timedelta(minutes=5)
    admin.goto(f"{shift_path}/qr")
    check_in_url = admin.get_attribute("[data-check-in-url]", "data-check-in-url")
    screenshot(admin, "site-check-in-qr")
    phone.goto(path_of(check_in_url))
    phone.click("button[value='check-in']")
    assert "已签到" in phone.content()

    clock.at = FIRST_DUTY.astimezone(UTC) + timedelta(hours=2)
    admin.goto(f"{shift_path}/qr")
    check_out_url = admin.get_attribute("[data-check-in-url]", "data-check-in-url")
    assert check_out_url != check_in_url  # the code has rotated
    phone.goto(path_of(check_out_url))
    phone.click("button[value='check-out']")
    assert "已签退" in phone.content()
    screenshot(phone, "volunteer-phone-checked-out")
    settle()  # the record reaches evaluation and is tallied

    # the month's audit plan is committed while the month runs ----------------------------------------
    admin.goto(f"{base}/audits")
    admin.click(f"form[action='{base}/audits/plans'] button[type=submit]")

    # the resident served rates the service from its signed link ----------------------------------------
    admin.goto(f"{base}/records")
    admin.locator(f"table a[href^='{base}/records/']").first.click()
    rating_link = admin.locator("a[href*='/feedback/']").first.get_attribute("href")
    resident = open_browser(phone=True)
    resident.goto(path_of(rating_link))
    assert "您对这次服务满意吗" in resident.content()
    assert "王芳" not in resident.content()
    clock.at += timedelta(seconds=30)  # a person takes a moment to choose
    resident.fill("#comment", "很耐心，老人很开心")
    screenshot(resident, "resident-rating")
    resident.click("form[action^='/feedback/'] button[type=submit]")
    assert "感谢您的评价" in resident.content()

    # an auditor joins; after the month (and its grace) the sample is drawn and audited ----------------
    admin.goto(f"{base}/team")
    admin.fill("#display_name", "督查员 孙")
    admin.fill("#email", f"auditor.beimen.{tag}@test.linli.cn")
    admin.select_option("#role", "auditor")
    admin.click(f"form[action='{base}/team/invitations'] button[type=submit]")
    auditor_link = admin.get_attribute("a[data-invitation-link]", "href")
    auditor = open_browser()
    accept_invitation(auditor, auditor_link)
    auditor.wait_for_url(f"**{base}/")

    clock.at = shanghai(2027, 4, 7, 10)
    admin.goto(f"{base}/audits")
    admin.locator(f"table a[href^='{base}/audits/plans/'], li a[href^='{base}/audits/plans/']").first.click()
    admin.click("form[action$='/draw'] button[type=submit]")
    admin.locator("input[name='auditor_ids']").first.check()
    admin.click("form[action$='/auditors'] button[type=submit]")

    auditor.goto(f"{base}/audits/tasks")
    auditor.locator(f"table a[href^='{base}/audits/tasks/']").first.click()
    auditor.check("#outcome-confirmed")
    auditor.fill("#evidence", "现场签到记录与敬老院登记一致")
    screenshot(auditor, "audit-task")
    auditor.click("form[action$='/outcome'] button[type=submit]")
    auditor.wait_for_load_state()
    assert "已确认" in auditor.content()
    settle()

    # the district sees the hours -----------------------------------------------------------------------
    district.goto(f"/d/{world.district.slug}/reports?from=2026-05&to=2027-04")
    row = district.locator("tr", has_text="北门居民区").first
    assert re.search(r"\b2(\.0)?\b", row.inner_text()), row.inner_text()
    screenshot(district, "district-reports")
    district.goto(f"/d/{world.district.slug}/")
    assert "北门居民区" in district.content()
    screenshot(district, "district-rollout")
