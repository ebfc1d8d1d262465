"""A volunteer's own pages over the real services: the login invitation accepted in the portal, an open
shift signed up for, the site's QR code scanned in and out, the hours recorded, a correction asked for —
and the resident's rating of that service from its signed link."""

import random
import re
from datetime import UTC, datetime, time, timedelta
from urllib.parse import quote

import pytest

from linli_shared.clock import SHANGHAI

pytestmark = pytest.mark.integration

PASSWORD = "a volunteer's own password"


def ok(response, status=200):
    assert response.status_code == status, response.text
    return response.json() if "json" in response.headers.get("content-type", "") else response


@pytest.fixture
def volunteer_login(services, login, anonymous, settle):
    """A roster volunteer who accepted their login invitation in the portal: (browser, volunteer id)."""
    staff = login("staff")
    phone = "1" + random.choice("3456789") + f"{random.randrange(10**9):09d}"
    volunteer = ok(
        services["roster"].client.post(
            "/v1/volunteers",
            json={"name": "赵阿姨", "phone": phone, "joined_on": "2024-03-01", "channel": "self_recommended"},
            headers=staff,
        ),
        201,
    )
    invitation = ok(
        services["roster"].client.post(f"/v1/volunteers/{volunteer['id']}/login-invitation", headers=staff),
        201,
    )
    page = anonymous.get(f"/invitations/accept?token={quote(invitation['token'])}")
    assert "欢迎使用邻里" in page.text
    accepted = anonymous.post(
        "/invitations/accept",
        {"token": invitation["token"], "password": PASSWORD, "password_again": PASSWORD},
    )
    assert accepted.status_code == 303, accepted.text
    assert accepted.headers["location"] == "/me/"
    anonymous.get("/me/")  # where the browser goes next; the new session's form token comes with it
    settle()  # identity's membership links the login to the volunteer; scheduling and evaluation learn it
    return anonymous, volunteer["id"]


@pytest.fixture
def todays_shift(services, login, clock):
    """A one-off shift from 09:00 to 11:00 (Shanghai) tomorrow, with the app standing at 08:00 today."""
    day = (datetime.now(SHANGHAI) + timedelta(days=1)).date()
    clock.at = datetime.combine(day - timedelta(days=1), time(8), SHANGHAI).astimezone(UTC)
    activity = ok(
        services["scheduling"].client.post(
            "/v1/activities",
            json={
                "name": "敬老院陪伴",
                "kind": "service",
                "content": "陪伴老人聊天",
                "recipient": "敬老院老人",
                "place": "西门敬老院",
                "first_starts_at": datetime.combine(day, time(9), SHANGHAI).isoformat(),
                "duration_minutes": 120,
                "capacity": 1,
            },
            headers=login("staff"),
        ),
        201,
    )
    shifts = ok(
        services["scheduling"].client.get(
            "/v1/shifts",
            params={"from": day.isoformat(), "to": day.isoformat(), "activity_id": activity["id"]},
            headers=login("staff"),
        )
    )
    return day, shifts[0]["id"] if isinstance(shifts, list) else shifts["items"][0]["id"]


def site_code(services, login, shift_id):
    return ok(
        services["scheduling"].client.get(f"/v1/shifts/{shift_id}/check-in-code", headers=login("staff"))
    )["code"]


def test_a_volunteer_signs_up_checks_in_and_out_and_a_resident_rates_it(
    volunteer_login, todays_shift, services, login, clock, settle, anonymous_resident
):
    phone, _volunteer_id = volunteer_login
    day, shift_id = todays_shift

    open_shifts = phone.get("/me/shifts")
    assert open_shifts.status_code == 200
    assert "敬老院陪伴" in open_shifts.text
    signed = phone.post("/me/signups", {"shift_id": shift_id})
    assert signed.status_code == 303
    home = phone.get("/me/")
    assert "敬老院陪伴" in home.text
    assert "已确认" in home.text
    assert "报名成功" in home.text

    clock.at = datetime.combine(day, time(8, 55), SHANGHAI).astimezone(UTC)
    code = site_code(services, login, shift_id)
    scan = phone.get(f"/check-in?code={quote(code)}")
    assert scan.status_code == 200
    assert "签到" in scan.text
    checked_in = phone.post("/check-in", {"code": code, "action": "check-in"})
    assert checked_in.status_code == 200
    assert "已签到" in checked_in.text

    clock.at = datetime.combine(day, time(11, 0), SHANGHAI).astimezone(UTC)
    code = site_code(services, login, shift_id)
    assert "签退" in phone.get(f"/check-in?code={quote(code)}").text
    checked_out = phone.post("/check-in", {"code": code, "action": "check-out"})
    assert checked_out.status_code == 200
    assert "已签退" in checked_out.text
    assert re.search(r"记录时长</dt><dd>2(\.0)?</dd>", checked_out.text), checked_out.text

    settle()
    records = phone.get("/me/records")
    assert "敬老院陪伴" in records.text
    record_id = re.search(r"/me/records/([0-9a-f-]{36})/corrections", records.text).group(1)

    # the resident served rates it from the signed link, as the volunteer shows it after the service
    link = ok(
        services["evaluation"].client.get(f"/v1/records/{record_id}/feedback-link", headers=login("staff"))
    )
    token = link["url"].rstrip("/").rsplit("/", 1)[-1]
    form = anonymous_resident.get(f"/feedback/{token}")
    assert form.status_code == 200
    assert "您对这次服务满意吗" in form.text
    assert "赵阿姨" not in form.text  # a surname only, never the volunteer's name
    stamp = re.search(r'name="stamp" value="([^"]+)"', form.text).group(1)
    clock.at += timedelta(seconds=5)  # a person takes a moment to choose
    thanks = anonymous_resident.post(
        f"/feedback/{token}", {"score": "5", "comment": "很耐心", "stamp": stamp}
    )
    assert thanks.status_code == 200, thanks.text
    assert "感谢您的评价" in thanks.text
    rating = ok(services["evaluation"].client.get(f"/v1/records/{record_id}/rating", headers=login("staff")))
    assert rating["status"] == "rated"
    assert rating["score"] == 5
    again = anonymous_resident.post(f"/feedback/{token}", {"score": "1", "stamp": stamp})
    assert again.status_code == 409
    assert "此链接无法使用" in again.text

    # the volunteer asks for their hours to be corrected; staff see it in scheduling's queue
    asked = phone.post(
        f"/me/records/{record_id}/corrections", {"requested_hours": "2.5", "reason": "提前到场布置"}
    )
    assert asked.status_code == 303
    assert "提前到场布置" in str(
        ok(services["scheduling"].client.get("/v1/corrections", headers=login("staff")))
    )
    assert "待处理" in phone.get("/me/records").text


@pytest.fixture
def anonymous_resident(new_browser):
    """The resident's phone: nobody signed in."""
    return new_browser()


def test_bad_input_is_a_clear_page_and_changes_nothing(volunteer_login, todays_shift, services, login):
    phone, _ = volunteer_login
    bad_code = phone.post("/check-in", {"code": "not-a-code", "action": "check-in"})
    assert 400 <= bad_code.status_code < 500
    assert "Traceback" not in bad_code.text
    bad_action = phone.post("/check-in", {"code": "x", "action": "teleport"})
    assert bad_action.status_code == 400
    not_a_shift = phone.post("/me/signups", {"shift_id": "not-a-uuid"})
    assert 400 <= not_a_shift.status_code < 500
    bad_hours = phone.post(
        f"/me/records/{todays_shift[1]}/corrections", {"requested_hours": "-3", "reason": "x"}
    )
    assert bad_hours.status_code == 400
    assert ok(services["scheduling"].client.get("/v1/corrections", headers=login("staff")))["items"] == []


def test_bad_invitation_and_mismatched_passwords(anonymous):
    mismatch = anonymous.post(
        "/invitations/accept", {"token": "t" * 30, "password": PASSWORD, "password_again": PASSWORD + "!"}
    )
    assert mismatch.status_code == 400
    assert "两次输入的密码不一致" in mismatch.text
    unknown = anonymous.post(
        "/invitations/accept", {"token": "t" * 30, "password": PASSWORD, "password_again": PASSWORD}
    )
    assert unknown.status_code == 400
    assert "此邀请无法接受" in unknown.text


def test_a_forged_feedback_link_is_a_clear_page(anonymous):
    page = anonymous.get("/feedback/forged-token")
    assert 400 <= page.status_code < 500
    assert "此链接无法使用" in page.text


def test_volunteer_pages_are_only_for_volunteers(browse, anonymous):
    assert browse("staff").get("/me/").status_code == 404
    to_login = anonymous.get("/me/shifts")
    assert to_login.status_code == 303
    assert to_login.headers["location"].startswith("/login?next=")
