"""Activities and the calendar through the portal over the real scheduling service: a weekly series planned
from the form becomes shifts, the service's refusals come back on the form, a day is skipped and a series
ended from the activity's page, the week's calendar shows the shifts; another committee's are absent."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from linli_shared.clock import SHANGHAI

pytestmark = pytest.mark.integration


def ok(response, status=200):
    assert response.status_code == status, response.text
    return response.json()


@pytest.fixture
def monday(clock) -> date:
    """A Monday two to three weeks ahead, the app standing at 08:00 (Shanghai) a week before it."""
    ahead = datetime.now(SHANGHAI).date() + timedelta(days=14)
    first = ahead - timedelta(days=ahead.weekday())
    clock.at = datetime.combine(first - timedelta(days=7), time(8), SHANGHAI).astimezone(UTC)
    return first


def activity_form(**changes) -> dict:
    form = {
        "name": "楼道清洁",
        "kind": "service",
        "content": "清扫楼道",
        "recipient": "本楼居民",
        "place": "3号楼",
        "start_time": "09:00",
        "duration_minutes": "90",
        "capacity": "3",
        "repeat": "once",
    }
    return {**form, **changes}


def shifts_of(services, login, activity_id: str, first: date, last: date) -> list[dict]:
    params = {"from": first.isoformat(), "to": last.isoformat(), "activity_id": activity_id}
    return ok(services["scheduling"].client.get("/v1/shifts", params=params, headers=login("staff")))["items"]


def activity_count(services, login) -> int:
    return len(ok(services["scheduling"].client.get("/v1/activities", headers=login("staff")))["items"])


def test_a_weekly_series_planned_in_the_portal_becomes_its_shifts(
    browse, world, services, login, settle, monday, enrol
):
    leader = enrol("陈组长")
    settle()
    admin = browse("staff")
    slug = world.committee.slug
    form = admin.get(f"/t/{slug}/activities/new")
    assert form.status_code == 200
    assert "安排活动" in form.text
    assert "陈组长" in form.text
    assert "周三" in form.text

    # from a Sunday, on Mondays, Wednesdays and Fridays, six times: the series starts on the Monday after
    made = admin.post(
        f"/t/{slug}/activities",
        activity_form(
            start_date=(monday - timedelta(days=1)).isoformat(),
            lead_volunteer_id=leader,
            repeat="weekly",
            weekdays=["MO", "WE", "FR"],
            ends="count",
            count="6",
        ),
    )
    assert made.status_code == 303, made.text
    activity_id = made.headers["location"].rsplit("/", 1)[1]
    held = ok(services["scheduling"].client.get(f"/v1/activities/{activity_id}", headers=login("staff")))
    assert held["recurrence"] == "FREQ=WEEKLY;COUNT=6;BYDAY=MO,WE,FR"
    assert held["lead_volunteer_id"] == leader
    shifts = shifts_of(services, login, activity_id, monday - timedelta(days=7), monday + timedelta(days=30))
    assert [s["local_date"] for s in shifts] == [
        (monday + timedelta(days=offset)).isoformat() for offset in (0, 2, 4, 7, 9, 11)
    ]
    assert shifts[0]["starts_at"].startswith(f"{monday.isoformat()}T01:00")  # 09:00 in Shanghai

    page = admin.get(made.headers["location"])
    assert page.status_code == 200
    assert "已安排：生成 6 个班次" in page.text
    assert "楼道清洁" in page.text
    assert "即将到来的班次" in page.text
    assert "陈组长" in page.text
    assert "每周" in page.text
    assert "共 6 次" in page.text


def test_the_services_refusals_come_back_on_the_form_and_nothing_is_planned(
    browse, world, services, login, settle, monday
):
    admin = browse("staff")
    slug = world.committee.slug
    before = activity_count(services, login)

    typed_badly = admin.post(f"/t/{slug}/activities", activity_form(start_date="", capacity="三"))
    assert typed_badly.status_code == 422
    assert "请填写首次日期和开始时间" in typed_badly.text
    assert "名额须为整数" in typed_badly.text
    assert 'value="楼道清洁"' in typed_badly.text  # the form comes back as it was typed

    # a "recurrence bomb" is the service's to refuse; its reason is shown next to the form
    bomb = admin.post(
        f"/t/{slug}/activities",
        activity_form(
            start_date=monday.isoformat(), repeat="weekly", weekdays=["MO"], ends="count", count="99999"
        ),
    )
    assert bomb.status_code == 422
    assert "COUNT" in bomb.text
    never = admin.post(
        f"/t/{slug}/activities",
        activity_form(
            start_date=monday.isoformat(),
            repeat="weekly",
            weekdays=["TU"],
            ends="until",
            until=(monday - timedelta(days=3)).isoformat(),
        ),
    )
    assert never.status_code == 422
    assert "no occurrence" in never.text
    nowhere = admin.post(f"/t/{slug}/activities", activity_form(start_date=monday.isoformat(), place=""))
    assert nowhere.status_code == 422
    assert activity_count(services, login) == before


def test_a_day_is_skipped_and_the_series_ended_from_the_activitys_page(
    browse, world, services, login, settle, monday
):
    admin = browse("staff")
    slug = world.committee.slug
    made = admin.post(
        f"/t/{slug}/activities",
        activity_form(start_date=monday.isoformat(), repeat="weekly", weekdays=["MO", "TH"], ends="never"),
    )
    activity_id = made.headers["location"].rsplit("/", 1)[1]
    base = f"/t/{slug}/activities/{activity_id}"

    skipped = admin.post(
        f"{base}/exceptions", {"day": (monday + timedelta(days=3)).isoformat(), "reason": "停水"}
    )
    assert skipped.status_code == 303, skipped.text
    not_a_day = admin.post(f"{base}/exceptions", {"day": (monday + timedelta(days=1)).isoformat()})
    assert not_a_day.status_code == 422
    assert "跳过某天" in not_a_day.text  # the activity's page again, with the service's reason

    ended = admin.post(f"{base}/end", {"last_date": (monday + timedelta(days=7)).isoformat()})
    assert ended.status_code == 303
    held = ok(services["scheduling"].client.get(f"/v1/activities/{activity_id}", headers=login("staff")))
    assert held["exceptions"] == [(monday + timedelta(days=3)).isoformat()]
    assert held["status"] == "ended"
    shifts = shifts_of(services, login, activity_id, monday, monday + timedelta(days=20))
    scheduled = [s["local_date"] for s in shifts if s["status"] == "scheduled"]
    assert scheduled == [monday.isoformat(), (monday + timedelta(days=7)).isoformat()]

    page = admin.get(base)
    assert "已结束" in page.text
    assert "结束系列活动" not in page.text  # nothing left to change

    one_off = admin.post(f"/t/{slug}/activities", activity_form(start_date=monday.isoformat()))
    one_off_id = one_off.headers["location"].rsplit("/", 1)[1]
    reasonless = admin.post(f"/t/{slug}/activities/{one_off_id}/cancel", {"reason": ""})
    assert reasonless.status_code == 422
    cancelled = admin.post(f"/t/{slug}/activities/{one_off_id}/cancel", {"reason": "天气原因"})
    assert cancelled.status_code == 303
    assert shifts_of(services, login, one_off_id, monday, monday)[0]["status"] == "cancelled"


def test_the_weeks_calendar_shows_shifts_by_day_and_by_grid(browse, world, services, login, settle, monday):
    staff = login("staff")
    grid = ok(
        services["roster"].client.post("/v1/areas", json={"kind": "grid", "name": "第一网格"}, headers=staff),
        201,
    )
    settle()
    admin = browse("staff")
    slug = world.committee.slug
    admin.post(
        f"/t/{slug}/activities",
        activity_form(
            name="网格巡查", kind="grid_duty", area_id=grid["id"], place="", start_date=monday.isoformat()
        ),
    )
    admin.post(f"/t/{slug}/activities", activity_form(start_date=(monday + timedelta(days=2)).isoformat()))

    week = admin.get(f"/t/{slug}/calendar?week={(monday + timedelta(days=3)).isoformat()}")
    assert week.status_code == 200
    assert "网格巡查" in week.text
    assert "楼道清洁" in week.text
    assert "已确认 0/3" in week.text
    assert "星期一" in week.text
    assert f"week={(monday - timedelta(days=7)).isoformat()}" in week.text
    assert f"week={(monday + timedelta(days=7)).isoformat()}" in week.text

    by_grid = admin.get(f"/t/{slug}/calendar?week={monday.isoformat()}&area_id={grid['id']}")
    assert "网格巡查" in by_grid.text
    assert "楼道清洁" not in by_grid.text

    # the default is the week the app stands in, which is the one before
    this_week = admin.get(f"/t/{slug}/calendar")
    assert "网格巡查" not in this_week.text
    assert f"week={monday.isoformat()}" in this_week.text

    assert admin.get(f"/t/{slug}/calendar?week=someday").status_code == 400


def test_another_committees_schedule_does_not_exist_here(browse, world, services, login, settle, monday):
    theirs = ok(
        services["scheduling"].client.post(
            "/v1/activities",
            json={
                "name": "乙居民区的活动",
                "kind": "service",
                "place": "乙居民区",
                "first_starts_at": datetime.combine(monday, time(9), SHANGHAI).isoformat(),
                "duration_minutes": 60,
                "capacity": 2,
            },
            headers=login("sibling_admin"),
        ),
        201,
    )
    slug = world.committee.slug
    assert browse("sibling_admin").get(f"/t/{slug}/calendar").status_code == 404
    assert browse("sibling_admin").get(f"/t/{slug}/activities/new").status_code == 404

    admin = browse("tenant_admin")
    assert admin.get(f"/t/{slug}/activities/{theirs['id']}").status_code == 404
    assert admin.post(f"/t/{slug}/activities/{theirs['id']}/cancel", {"reason": "试试"}).status_code == 404
    assert "乙居民区的活动" not in admin.get(f"/t/{slug}/calendar?week={monday.isoformat()}").text
    held = ok(
        services["scheduling"].client.get(f"/v1/activities/{theirs['id']}", headers=login("sibling_admin"))
    )
    assert held["status"] == "active"
