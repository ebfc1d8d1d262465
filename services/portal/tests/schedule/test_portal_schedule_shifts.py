"""A shift through the portal over the real scheduling service: volunteers assigned (confirmed, then
waitlisted), places changed, sign-ups cancelled, a no-show recorded, attendance confirmed by proxy, the
shift called off, and the site's QR code a volunteer checks in with; another committee's shifts absent."""

import html
import re
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from linli_shared.clock import SHANGHAI

pytestmark = pytest.mark.integration


def ok(response, status=200):
    assert response.status_code == status, response.text
    return response.json()


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), SHANGHAI).astimezone(UTC)


@pytest.fixture
def day(clock) -> date:
    """The shift's day, a week ahead; the app stands at 08:00 (Shanghai) today."""
    today = datetime.now(SHANGHAI).date()
    clock.at = local(today, 8)
    return today + timedelta(days=7)


def plan_shift(
    services, login, day: date, capacity: int, key: str = "staff", name: str = "敬老院陪伴"
) -> str:
    """A one-off from 09:00 to 11:00 on the day; its one shift's id."""
    activity = ok(
        services["scheduling"].client.post(
            "/v1/activities",
            json={
                "name": name,
                "kind": "service",
                "place": "西门敬老院",
                "first_starts_at": datetime.combine(day, time(9), SHANGHAI).isoformat(),
                "duration_minutes": 120,
                "capacity": capacity,
            },
            headers=login(key),
        ),
        201,
    )
    params = {"from": day.isoformat(), "to": day.isoformat(), "activity_id": activity["id"]}
    return ok(services["scheduling"].client.get("/v1/shifts", params=params, headers=login(key)))["items"][0][
        "id"
    ]


def signups_of(services, login, shift_id: str) -> dict:
    return ok(services["scheduling"].client.get(f"/v1/shifts/{shift_id}/signups", headers=login("staff")))


def names(rows: list[dict]) -> list[str]:
    return [row["volunteer_name"] for row in rows]


def test_volunteers_are_assigned_waitlisted_moved_up_and_cancelled(
    browse, world, services, login, settle, day, enrol
):
    first, second = enrol("王阿姨"), enrol("刘师傅")
    settle()
    shift_id = plan_shift(services, login, day, capacity=1)
    admin = browse("staff")
    page_path = f"/t/{world.committee.slug}/shifts/{shift_id}"
    page = admin.get(page_path)
    assert page.status_code == 200
    assert "安排志愿者" in page.text
    assert "王阿姨" in page.text
    assert "敬老院陪伴" in page.text

    assert admin.post(f"{page_path}/signups", {"volunteer_id": first}).status_code == 303
    assert "王阿姨 已确认参加该班次" in admin.get(page_path).text
    assert admin.post(f"{page_path}/signups", {"volunteer_id": second}).status_code == 303
    page = admin.get(page_path)
    assert "刘师傅 已进入候补，排第 1 位" in page.text
    held = signups_of(services, login, shift_id)
    assert names(held["confirmed"]) == ["王阿姨"]
    assert names(held["waitlist"]) == ["刘师傅"]

    twice = admin.post(f"{page_path}/signups", {"volunteer_id": first})
    assert twice.status_code == 409
    assert "安排志愿者" in twice.text  # the shift's page again, with the service's reason
    assert admin.post(f"{page_path}/signups", {"volunteer_id": ""}).status_code == 422
    assert admin.post(f"{page_path}/capacity", {"capacity": "0"}).status_code == 400
    assert len(signups_of(services, login, shift_id)["confirmed"]) == 1

    assert admin.post(f"{page_path}/capacity", {"capacity": "2"}).status_code == 303
    held = signups_of(services, login, shift_id)
    assert held["capacity"] == 2
    assert names(held["confirmed"]) == ["王阿姨", "刘师傅"]

    signup_id = held["confirmed"][0]["id"]
    assert admin.post(f"{page_path}/signups/{signup_id}/cancel", {"reason": ""}).status_code == 422
    assert admin.post(f"{page_path}/signups/{signup_id}/cancel", {"reason": "家中有事"}).status_code == 303
    held = signups_of(services, login, shift_id)
    assert names(held["confirmed"]) == ["刘师傅"]
    assert held["history"][0]["cancel_reason"] == "家中有事"
    assert "已取消和缺席" in admin.get(page_path).text

    assert admin.post(f"{page_path}/cancel", {"reason": ""}).status_code == 422
    assert admin.post(f"{page_path}/cancel", {"reason": "暴雨预警"}).status_code == 303
    shift = ok(services["scheduling"].client.get(f"/v1/shifts/{shift_id}", headers=login("staff")))
    assert shift["status"] == "cancelled"
    assert shift["cancelled_reason"] == "暴雨预警"


def test_a_no_show_is_recorded_and_attendance_confirmed_for_someone_without_a_phone(
    browse, world, services, login, settle, day, clock, enrol
):
    came, stayed_home = enrol("周大爷"), enrol("吴阿姨")
    settle()
    shift_id = plan_shift(services, login, day, capacity=2)
    admin = browse("staff")
    page_path = f"/t/{world.committee.slug}/shifts/{shift_id}"
    for volunteer in (came, stayed_home):
        assert admin.post(f"{page_path}/signups", {"volunteer_id": volunteer}).status_code == 303

    clock.at = local(day, 11, 30)
    absent = signups_of(services, login, shift_id)["confirmed"][1]
    assert absent["volunteer_name"] == "吴阿姨"
    assert admin.post(f"{page_path}/signups/{absent['id']}/no-show").status_code == 303

    backwards = admin.post(
        f"{page_path}/attendance",
        {"volunteer_id": came, "checked_in_at": f"{day}T10:00", "checked_out_at": f"{day}T09:00"},
    )
    assert backwards.status_code == 422
    assert (
        admin.post(f"{page_path}/attendance", {"volunteer_id": came, "checked_in_at": "明天"}).status_code
        == 422
    )
    confirmed = admin.post(
        f"{page_path}/attendance",
        {"volunteer_id": came, "checked_in_at": f"{day}T09:00", "checked_out_at": f"{day}T11:00"},
    )
    assert confirmed.status_code == 303, confirmed.text
    rows = ok(services["scheduling"].client.get(f"/v1/shifts/{shift_id}/attendance", headers=login("staff")))
    assert [row["volunteer_name"] for row in rows] == ["周大爷"]
    assert rows[0]["checked_in_at"].startswith(local(day, 9).strftime("%Y-%m-%dT%H:%M"))
    assert rows[0]["record"] is not None

    page = admin.get(page_path)
    assert page.status_code == 200
    assert "考勤已确认" in page.text
    assert "周大爷" in page.text
    assert "缺席" in page.text
    assert "吴阿姨" in page.text
    assert signups_of(services, login, shift_id)["history"][0]["status"] == "no_show"


@pytest.fixture
def volunteer_with_login(enrol, volunteer_phone):
    """A roster volunteer who accepted their login invitation: (volunteer id, their Authorization headers)."""
    volunteer_id = enrol("赵阿姨")
    return volunteer_id, volunteer_phone(volunteer_id)


def test_the_site_qr_code_opens_the_portals_check_in_page_with_a_code_that_works(
    browse, world, services, login, settle, day, clock, volunteer_with_login
):
    volunteer_id, phone = volunteer_with_login
    shift_id = plan_shift(services, login, day, capacity=2)
    admin = browse("staff")
    page_path = f"/t/{world.committee.slug}/shifts/{shift_id}"
    assert admin.post(f"{page_path}/signups", {"volunteer_id": volunteer_id}).status_code == 303

    waiting = admin.get(f"{page_path}/qr")
    assert waiting.status_code == 200
    assert "签到尚未开放" in waiting.text
    assert f"{day} 08:30" in waiting.text
    assert "data-check-in-url" not in waiting.text

    clock.at = local(day, 9, 5)
    screen = admin.get(f"{page_path}/qr")
    assert screen.status_code == 200
    assert "<svg" in screen.text
    assert "扫码签到" in screen.text
    assert re.search(r'data-refresh-seconds="\d+"', screen.text)
    url = html.unescape(re.search(r'data-check-in-url="([^"]+)"', screen.text).group(1))
    assert url.startswith("https://portal.test/check-in?code=")
    assert url in html.unescape(screen.text.split("</svg>", 1)[1])  # printed under the code too
    code = parse_qs(urlsplit(url).query)["code"][0]

    checked_in = services["scheduling"].client.post("/v1/me/check-in", json={"code": code}, headers=phone)
    assert checked_in.status_code == 201, checked_in.text
    assert "赵阿姨" in admin.get(page_path).text
    # auditors read the schedule but do not run the site
    assert browse("auditor").get(f"{page_path}/qr").status_code == 403


def test_another_committees_shifts_do_not_exist_here(browse, world, services, login, settle, day):
    ours = plan_shift(services, login, day, capacity=1)
    theirs = plan_shift(services, login, day, capacity=1, key="sibling_admin", name="乙居民区的班次")
    slug = world.committee.slug
    sibling = browse("sibling_admin")
    assert sibling.get(f"/t/{slug}/shifts/{ours}").status_code == 404
    assert sibling.get(f"/t/{slug}/shifts/{ours}/qr").status_code == 404

    admin = browse("tenant_admin")
    assert admin.get(f"/t/{slug}/shifts/{theirs}").status_code == 404
    assert admin.get(f"/t/{slug}/shifts/{theirs}/qr").status_code == 404
    assert admin.post(f"/t/{slug}/shifts/{theirs}/cancel", {"reason": "试试"}).status_code == 404
    assert admin.post(f"/t/{slug}/shifts/{theirs}/capacity", {"capacity": "5"}).status_code == 404
    held = ok(services["scheduling"].client.get(f"/v1/shifts/{theirs}", headers=login("sibling_admin")))
    assert held["status"] == "scheduled"
    assert held["capacity"] == 1
