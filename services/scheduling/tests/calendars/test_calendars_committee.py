"""A committee's schedule as a calendar, whole or for one grid (with its micro-grids and buildings)."""

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from linli_scheduling.activities.models import Shift
from linli_shared.problems import PROBLEM_JSON
from linli_shared.tenancy import Role, TenantContext

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def test_the_committees_scheduled_shifts_whole_and_by_grid(
    scheduling_client, committee, login, world, plan, area, place_shift, clock, read_ics, scheduling_database
):
    clock.at = NOW
    tenant = world.committee
    grid = area(tenant, "grid", "一网格")
    micro = area(tenant, "micro_grid", "一网格第2微格", grid)
    building = area(tenant, "building", "3号楼", micro)
    other_grid = area(tenant, "grid", "二网格")
    in_grid = plan(tenant, NOW + timedelta(days=1))
    in_building = plan(tenant, NOW + timedelta(days=2))
    elsewhere = plan(tenant, NOW + timedelta(days=3))
    unplaced = plan(tenant, NOW - timedelta(days=29))
    place_shift(tenant, in_grid, grid)
    place_shift(tenant, in_building, building)
    place_shift(tenant, elsewhere, other_grid)
    plan(tenant, NOW - timedelta(days=31))
    plan(tenant, NOW + timedelta(days=180))
    called_off = plan(tenant, NOW + timedelta(days=4))
    with scheduling_database.transaction(
        TenantContext(tenant_id=tenant.id, tenant_path=tenant.path, role=Role.SERVICE, subject="test")
    ) as session:
        session.execute(update(Shift).where(Shift.id == called_off).values(status="cancelled"))
    theirs = plan(world.sibling, NOW + timedelta(days=1))

    response = scheduling_client.get("/v1/calendar.ics", headers=login("staff"))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    calendar, events = read_ics(response.text)
    assert calendar["X-WR-CALNAME"] == "甲居民区志愿服务排班"
    assert [event["UID"] for event in events] == [
        f"{shift}@linli" for shift in (unplaced, in_grid, in_building, elsewhere)
    ]
    assert {event["STATUS"] for event in events} == {"CONFIRMED"}
    assert {event["UID"]: event["LOCATION"] for event in events}[
        f"{in_building}@linli"
    ] == "3号楼 3号楼垃圾房"

    by_grid = scheduling_client.get(f"/v1/calendar.ics?area_id={grid}", headers=login("auditor"))
    assert by_grid.status_code == 200, by_grid.text
    calendar, events = read_ics(by_grid.text)
    assert calendar["X-WR-CALNAME"] == "甲居民区 一网格志愿服务排班"
    assert [event["UID"] for event in events] == [f"{in_grid}@linli", f"{in_building}@linli"]
    by_building = read_ics(
        scheduling_client.get(f"/v1/calendar.ics?area_id={building}", headers=login("staff")).text
    )
    assert [event["UID"] for event in by_building[1]] == [f"{in_building}@linli"]

    # the town sees its committees' schedules together
    town = read_ics(scheduling_client.get("/v1/calendar.ics", headers=login("town_admin")).text)[1]
    assert f"{theirs}@linli" in {event["UID"] for event in town}
    assert len(town) == 5
    sibling = read_ics(scheduling_client.get("/v1/calendar.ics", headers=login("sibling_admin")).text)[1]
    assert [event["UID"] for event in sibling] == [f"{theirs}@linli"]


def test_who_may_read_the_committee_calendar(scheduling_client, committee, login, world, area):
    their_grid = area(world.sibling, "grid", "别家网格")
    for headers, status in ((login("volunteer"), 403), ({}, 401)):
        response = scheduling_client.get("/v1/calendar.ics", headers=headers)
        assert response.status_code == status
        assert response.headers["content-type"] == PROBLEM_JSON
    for area_id in (their_grid, uuid.uuid4()):
        missing = scheduling_client.get(f"/v1/calendar.ics?area_id={area_id}", headers=login("staff"))
        assert missing.status_code == 404
        assert missing.json()["type"].endswith("/area-not-found")
    bad = scheduling_client.get("/v1/calendar.ics?area_id=grid-1", headers=login("staff"))
    assert bad.status_code == 422
    assert bad.headers["content-type"] == PROBLEM_JSON
