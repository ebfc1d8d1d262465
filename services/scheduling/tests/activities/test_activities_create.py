"""Planning an activity: a weekly series materialised a year ahead, a one-off, a training session; what it
refers to must be the committee's own and in use; bad input, bombs, roles and other committees."""

import uuid
from pathlib import Path

import jsonschema
import pytest

import linli_scheduling.events
from linli_scheduling.events.types import SHIFT_CREATED
from linli_shared.events.schemas import load_schema

SCHEMAS = Path(linli_scheduling.events.__file__).parent / "schemas"

#: Saturdays from 2 May 2026 to 24 April 2027 (the last before the horizon), less the two exceptions
SORTING_SHIFTS = 52 - 2


def test_a_weekly_duty_is_materialised_a_year_ahead(
    create_activity, calendar, login, committee, monday, world, register, add_area, add_project, outbox
):
    lead = register(world.committee, "李建国", tier="backbone")
    grid = add_area(world.committee, "grid", "一网格")
    project = add_project(world.committee)
    response = create_activity(
        login("staff"),
        lead_volunteer_id=str(lead),
        area_id=str(grid),
        project_id=str(project),
        required_qualification="垃圾分类指导",
        required_role="building_group_leader",
        required_tier="backbone",
        exceptions=["2026-10-03", "2026-05-09", "2026-05-09"],
    )
    assert response.status_code == 201, response.text
    activity = response.json()
    assert activity["shifts_created"] == SORTING_SHIFTS
    assert activity["materialised_until"] == "2027-04-28"
    assert activity["exceptions"] == ["2026-05-09", "2026-10-03"]
    assert activity["first_starts_at"] == "2026-05-02T08:00:00+08:00"
    assert (activity["duration_minutes"], activity["status"], activity["recurrence"]) == (
        120,
        "active",
        "FREQ=WEEKLY;BYDAY=SA",
    )

    shifts = calendar(login("staff"), activity_id=activity["id"])
    assert [shift["local_date"] for shift in shifts[:3]] == ["2026-05-02", "2026-05-16", "2026-05-23"]
    first = shifts[0]
    assert (first["starts_at"], first["ends_at"]) == ("2026-05-02T00:00:00Z", "2026-05-02T02:00:00Z")
    assert first["leader_volunteer_id"] == str(lead)
    assert (first["capacity"], first["confirmed"], first["waitlisted"]) == (2, 0, 0)
    assert (first["required_qualification"], first["required_role"], first["required_tier"]) == (
        "垃圾分类指导",
        "building_group_leader",
        "backbone",
    )
    assert (first["area_id"], first["project_id"], first["activity_name"]) == (
        str(grid),
        str(project),
        "垃圾分类值守",
    )

    created = outbox(SHIFT_CREATED.type)
    assert len(created) == SORTING_SHIFTS
    assert created[0]["subject"] == first["id"]
    assert created[0]["data"]["activity_id"] == activity["id"]
    assert created[0]["data"]["local_date"] == "2026-05-02"
    assert created[0]["tenantid"] == str(world.committee.id)
    jsonschema.validate(created[0], load_schema(SCHEMAS, SHIFT_CREATED.type))


def test_a_one_off_is_one_shift_and_may_end_at_a_time(create_activity, calendar, login, committee, monday):
    response = create_activity(
        login("tenant_admin"),
        name="重阳节敬老慰问",
        kind="service",
        first_starts_at="2026-05-03T01:30:00Z",
        duration_minutes=None,
        ends_at="2026-05-03T11:00:00+08:00",
        recurrence=None,
        exceptions=[],
    )
    assert response.status_code == 201, response.text
    activity = response.json()
    assert (activity["shifts_created"], activity["duration_minutes"]) == (1, 90)
    assert activity["first_starts_at"] == "2026-05-03T09:30:00+08:00"
    assert activity["materialised_until"] == "2026-05-04"
    assert activity["recurrence"] is None
    [shift] = calendar(login("staff"), activity_id=activity["id"])
    assert (shift["starts_at"], shift["ends_at"]) == ("2026-05-03T01:30:00Z", "2026-05-03T03:00:00Z")


def test_a_training_session_names_its_course(create_activity, login, committee, monday, world, add_course):
    course = add_course(world.committee)
    response = create_activity(
        login("staff"),
        name="应急救护培训",
        kind="training_session",
        course_id=str(course),
        recurrence="FREQ=MONTHLY;BYDAY=1SA;COUNT=3",
        exceptions=[],
    )
    assert response.status_code == 201, response.text
    assert response.json()["course_id"] == str(course)
    assert response.json()["shifts_created"] == 3


def test_a_rule_is_stored_in_its_one_spelling(create_activity, login, committee, monday):
    response = create_activity(login("staff"), recurrence="RRULE:byday=SA;freq=weekly;until=20260530")
    assert response.status_code == 201, response.text
    assert response.json()["recurrence"] == "FREQ=WEEKLY;UNTIL=20260530T235959;BYDAY=SA"
    # 2, 16, 23 and 30 May (9 May is an exception)
    assert response.json()["shifts_created"] == 4


@pytest.mark.parametrize(
    "overrides",
    [
        {"ends_at": "2026-05-02T07:00:00+08:00", "duration_minutes": None},
        {"ends_at": "2026-05-02T08:00:00+08:00", "duration_minutes": None},
        {"ends_at": "2026-05-03T08:01:00+08:00", "duration_minutes": None},
        {"ends_at": "2026-05-02T09:00:00+08:00"},
        {"duration_minutes": None},
        {"duration_minutes": 4},
        {"duration_minutes": 1441},
        {"duration_minutes": "120"},
        {"duration_minutes": 90.5},
        {"capacity": 0},
        {"capacity": -1},
        {"capacity": 10001},
        {"capacity": "2"},
        {"first_starts_at": "2026-05-02T08:00:00"},
        {"first_starts_at": "2026-05-02T08:00:30+08:00"},
        {"first_starts_at": "not a time"},
        {"name": ""},
        {"name": "x" * 81},
        {"name": "nul\x00byte"},
        {"content": "x" * 2001},
        {"kind": "party"},
        {"place": "", "area_id": None},
        {"kind": "training_session"},
        {"course_id": str(uuid.uuid4())},
        {"recurrence": None},
        {"recurrence": ""},
        {"recurrence": "x" * 501},
        {"exceptions": ["2026-05-32"]},
        {"exceptions": [f"2026-05-{day:02d}" for day in range(1, 32)] * 12},
        {"required_tier": "gold"},
        {"required_role": "boss"},
        {"required_qualification": ""},
        {"project_id": "not-a-uuid"},
        {"colour": "green"},
    ],
)
def test_bad_input_writes_nothing(create_activity, login, committee, monday, world, rows, outbox, overrides):
    response = create_activity(login("staff"), **overrides)
    assert response.status_code == 422, (overrides, response.text)
    assert response.headers["content-type"] == "application/problem+json"
    assert rows(world.committee) == (0, 0)
    assert outbox() == []


@pytest.mark.parametrize(
    ("overrides", "slug"),
    [
        ({"recurrence": "FREQ=SECONDLY;COUNT=1000000"}, "recurrence-too-dense"),
        ({"recurrence": "FREQ=MINUTELY"}, "recurrence-too-dense"),
        ({"recurrence": "FREQ=HOURLY;INTERVAL=2"}, "recurrence-too-dense"),
        ({"recurrence": "garbage"}, "recurrence-invalid"),
        ({"recurrence": "DTSTART:20260502T080000\nRRULE:FREQ=WEEKLY"}, "recurrence-invalid"),
        ({"recurrence": "FREQ=WEEKLY;RDATE=20260503"}, "recurrence-invalid"),
        ({"recurrence": "FREQ=WEEKLY;EXRULE=FREQ"}, "recurrence-invalid"),
        ({"recurrence": "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"}, "recurrence-invalid"),
        # the first start is a Saturday: a Friday rule does not begin with it
        ({"recurrence": "FREQ=WEEKLY;BYDAY=FR"}, "recurrence-invalid"),
        (
            {"first_starts_at": "2027-04-28T08:00:00+08:00", "recurrence": "FREQ=DAILY"},
            "first-start-out-of-range",
        ),
        (
            {"first_starts_at": "2025-04-25T08:00:00+08:00", "recurrence": "FREQ=DAILY"},
            "first-start-out-of-range",
        ),
    ],
)
def test_rules_and_times_that_are_refused(
    create_activity, login, committee, monday, world, rows, outbox, overrides, slug
):
    response = create_activity(login("staff"), **overrides)
    assert response.status_code == 422, response.text
    assert response.json()["type"].endswith("/" + slug)
    assert rows(world.committee) == (0, 0)
    assert outbox() == []


def test_what_an_activity_names_must_be_the_committees_and_in_use(
    create_activity,
    login,
    committee,
    monday,
    world,
    register,
    roster_event,
    add_area,
    add_course,
    add_project,
    rows,
    outbox,
):
    staff = login("staff")
    unknown = str(uuid.uuid4())
    theirs = {
        "area_id": str(add_area(world.sibling, "grid", "乙网格")),
        "lead_volunteer_id": str(register(world.sibling, "赵六")),
        "project_id": str(add_project(world.sibling)),
    }
    for field, slug in (
        ("area_id", "area-not-found"),
        ("lead_volunteer_id", "volunteer-not-found"),
        ("project_id", "project-not-found"),
    ):
        for value in (unknown, theirs[field]):
            response = create_activity(staff, **{field: value})
            assert response.status_code == 404, (field, response.text)
            assert response.json()["type"].endswith("/" + slug)
    for course in (unknown, str(add_course(world.sibling))):
        response = create_activity(
            staff, kind="training_session", course_id=course, recurrence=None, exceptions=[]
        )
        assert response.status_code == 404
        assert response.json()["type"].endswith("/course-not-found")

    exited = register(world.committee, "钱七")
    roster_event(
        "linli.roster.volunteer.exited.v1",
        "roster.volunteers",
        world.committee,
        exited,
        {"volunteer_id": str(exited), "reason": "搬家"},
    )
    for overrides, slug in (
        ({"project_id": str(add_project(world.committee, status="closed"))}, "project-closed"),
        ({"area_id": str(add_area(world.committee, "grid", "旧网格", active=False))}, "area-inactive"),
        ({"lead_volunteer_id": str(exited)}, "volunteer-not-active"),
    ):
        response = create_activity(staff, **overrides)
        assert response.status_code == 409, response.text
        assert response.json()["type"].endswith("/" + slug)
    assert rows(world.committee) == (0, 0)
    assert outbox(SHIFT_CREATED.type) == []


def test_only_committee_staff_plan(scheduling_client, create_activity, login, committee, monday, world, rows):
    for key in ("auditor", "town_admin", "district_admin", "volunteer"):
        response = create_activity(login(key))
        assert response.status_code == 403, key
    assert scheduling_client.post("/v1/activities", json={}).status_code == 401
    assert rows(world.committee) == (0, 0)
    # another committee plans its own
    theirs = create_activity(login("sibling_admin"))
    assert theirs.status_code == 201, theirs.text
    assert rows(world.sibling) == (1, SORTING_SHIFTS)
    assert rows(world.committee) == (0, 0)
