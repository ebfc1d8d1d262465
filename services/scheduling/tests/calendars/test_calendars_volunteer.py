"""A volunteer's calendar (staff and readers): their confirmed and waitlisted shifts, 30 days back to 180
days ahead; cancelled sign-ups and called-off shifts are not in it."""

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from linli_scheduling.activities.models import Shift
from linli_shared.problems import PROBLEM_JSON
from linli_shared.tenancy import Role, TenantContext

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
ICALENDAR = "text/calendar; charset=utf-8"


def test_a_volunteers_live_signups_in_the_window(
    scheduling_client,
    committee,
    login,
    me,
    register,
    world,
    plan,
    sign_up,
    clock,
    read_ics,
    scheduling_database,
):
    clock.at = NOW
    tenant = world.committee
    recent = plan(tenant, NOW - timedelta(days=10))
    too_old = plan(tenant, NOW - timedelta(days=31))
    coming = plan(tenant, NOW + timedelta(days=5), minutes=90)
    queued = plan(tenant, NOW + timedelta(days=7))
    dropped = plan(tenant, NOW + timedelta(days=8))
    called_off = plan(tenant, NOW + timedelta(days=9))
    too_far = plan(tenant, NOW + timedelta(days=181))
    for shift in (recent, too_old, coming, too_far, called_off):
        sign_up(tenant, shift, me)
    sign_up(tenant, queued, me, status="waitlisted")
    sign_up(tenant, dropped, me, status="cancelled")
    someone_else = register(tenant, "李四")
    sign_up(tenant, dropped, someone_else)
    with scheduling_database.transaction(
        TenantContext(tenant_id=tenant.id, tenant_path=tenant.path, role=Role.SERVICE, subject="test")
    ) as session:
        session.execute(update(Shift).where(Shift.id == called_off).values(status="cancelled"))

    response = scheduling_client.get(f"/v1/volunteers/{me}/calendar.ics", headers=login("staff"))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == ICALENDAR
    calendar, events = read_ics(response.text)
    assert calendar["X-WR-CALNAME"] == "王阿姨的志愿服务"
    assert calendar["X-WR-TIMEZONE"] == "Asia/Shanghai"
    assert [event["UID"] for event in events] == [f"{shift}@linli" for shift in (recent, coming, queued)]
    by_shift = {event["UID"]: event for event in events}
    first = by_shift[f"{coming}@linli"]
    assert (first["DTSTART"], first["DTEND"], first["DTSTAMP"]) == (
        "20261206T020000Z",
        "20261206T033000Z",
        "20261201T020000Z",
    )
    assert (first["SUMMARY"], first["STATUS"], first["LOCATION"]) == (
        "垃圾分类值守",
        "CONFIRMED",
        "3号楼垃圾房",
    )
    assert first["DESCRIPTION"] == "指导居民垃圾分类\\n服务对象：小区居民"
    waiting = by_shift[f"{queued}@linli"]
    assert (waiting["STATUS"], waiting["SUMMARY"]) == ("TENTATIVE", "（候补）垃圾分类值守")
    assert "候补" in waiting["DESCRIPTION"]

    for reader in ("auditor", "tenant_admin", "town_admin", "district_admin"):
        again = scheduling_client.get(f"/v1/volunteers/{me}/calendar.ics", headers=login(reader))
        assert again.status_code == 200, reader
        assert again.text == response.text
    other = scheduling_client.get(f"/v1/volunteers/{someone_else}/calendar.ics", headers=login("staff"))
    assert [event["UID"] for event in read_ics(other.text)[1]] == [f"{dropped}@linli"]


def test_a_volunteer_without_signups_has_an_empty_calendar(
    scheduling_client, committee, login, me, clock, read_ics
):
    clock.at = NOW
    response = scheduling_client.get(f"/v1/volunteers/{me}/calendar.ics", headers=login("staff"))
    assert response.status_code == 200
    assert read_ics(response.text)[1] == []


def test_who_may_read_a_volunteers_calendar(
    scheduling_client, committee, login, me, register, world, plan, sign_up
):
    shift = plan(world.committee, datetime.now(UTC) + timedelta(days=3))
    sign_up(world.committee, shift, me)
    path = f"/v1/volunteers/{me}/calendar.ics"
    for headers, status in (
        (login("volunteer"), 403),
        ({}, 401),
        (login("sibling_admin"), 404),
        (login("other_town_admin"), 404),
    ):
        response = scheduling_client.get(path, headers=headers)
        assert response.status_code == status
        assert response.headers["content-type"] == PROBLEM_JSON
    sibling_volunteer = register(world.sibling, "乙家人")
    for volunteer in (uuid.uuid4(), sibling_volunteer):
        missing = scheduling_client.get(f"/v1/volunteers/{volunteer}/calendar.ics", headers=login("staff"))
        assert missing.status_code == 404
        assert missing.json()["type"].endswith("/volunteer-not-found")
    bad = scheduling_client.get("/v1/volunteers/wang/calendar.ics", headers=login("staff"))
    assert bad.status_code == 422
    assert bad.headers["content-type"] == PROBLEM_JSON
