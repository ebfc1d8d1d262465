"""Candidate lists: the committee's volunteers who meet a programme's criteria in the period, best first,
each with the evidence behind it — hours from the tallies (scheduling's records through the consumer and
the tallying), stars, residents' ratings and spot-check outcomes of the period's service, party membership."""

import uuid
from datetime import date

from linli_shared.problems import PROBLEM_JSON


def assert_problem(response, status: int, slug: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    body = response.json()
    if slug is not None:
        assert body["type"].endswith("/" + slug), body
    return body


def candidates(api, headers, programme_id: str, period: str, **params) -> dict:
    response = api.get(
        f"/v1/award-programmes/{programme_id}/candidates",
        params={"period": period, **params},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_the_candidates_meet_every_criterion_and_come_ranked_with_their_evidence(
    api, committee, world, login, define, volunteer, exit_volunteer, serve, rate, audit, today
):
    programme = define(login("district_admin"))
    a = world.committee

    zhang = volunteer(a, "张红")
    for day in (date(2026, 11, 7), date(2026, 3, 1)):
        record = serve(a, zhang, 6, on=day)
        rate(a, record, zhang, 5)
    audit(a, record, zhang, "confirmed")

    li = volunteer(a, "李明")
    first, second = serve(a, li, 12), serve(a, li, 8, on=date(2026, 6, 1))
    serve(a, li, 3, verified=False)
    rate(a, first, li, 5)
    rate(a, second, li, 4)

    # more hours than anyone, but a spot check rejected some of them
    wang = volunteer(a, "王刚")
    records = [serve(a, wang, 15), serve(a, wang, 15)]
    rate(a, records[0], wang, 5)
    rate(a, records[1], wang, 5)
    audit(a, records[1], wang, "rejected")

    # one rating in the year (the other was last year's) is too few to judge by
    zhao = volunteer(a, "赵丽")
    rate(a, serve(a, zhao, 15), zhao, 5)
    rate(a, serve(a, zhao, 2, on=date(2025, 12, 30)), zhao, 5)

    # unverified hours (a late entry awaiting a spot check) do not count towards an award
    qian = volunteer(a, "钱多")
    rate(a, serve(a, qian, 9), qian, 5)
    rate(a, serve(a, qian, 5, verified=False), qian, 5)

    # last year's service, an exited volunteer, another committee's volunteer
    sun = volunteer(a, "孙老")
    rate(a, serve(a, sun, 40, on=date(2025, 11, 7)), sun, 5)
    zhou = volunteer(a, "周走")
    rate(a, serve(a, zhou, 50), zhou, 5)
    rate(a, serve(a, zhou, 50), zhou, 5)
    exit_volunteer(a, zhou)
    elsewhere = volunteer(world.sibling, "乙家人")
    rate(world.sibling, serve(world.sibling, elsewhere, 80), elsewhere, 5)
    rate(world.sibling, serve(world.sibling, elsewhere, 80), elsewhere, 5)

    listed = candidates(api, login("staff"), programme["id"], "2026")
    assert (listed["period"], listed["committee_id"], listed["max_nominees"]) == ("2026", str(a.id), 2)
    assert (listed["nominations"], listed["remaining"]) == (0, 2)
    assert listed["criteria"] == programme["criteria"]
    assert [(c["rank"], c["name"]) for c in listed["candidates"]] == [(1, "李明"), (2, "张红")]
    by_name = {c["name"]: c for c in listed["candidates"]}
    assert by_name["李明"]["evidence"] == {
        "verified_hours": 20.0,
        "unverified_hours": 3.0,
        "stars": 0,
        "ratings": 2,
        "average_satisfaction": 4.5,
        "audits": {"confirmed": 0, "adjusted": 0, "rejected": 0},
        "party_member": False,
    }
    assert by_name["张红"]["evidence"] == {
        "verified_hours": 12.0,
        "unverified_hours": 0.0,
        "stars": 0,
        "ratings": 2,
        "average_satisfaction": 5.0,
        "audits": {"confirmed": 1, "adjusted": 0, "rejected": 0},
        "party_member": False,
    }
    assert by_name["李明"]["volunteer_id"] == str(li)
    assert by_name["李明"]["nomination_id"] is None

    # dropping the audit and ratings criteria lets 王刚 (most hours) lead and 赵丽 and 钱多 (9 h) in or out
    admin = login("district_admin")
    relaxed = api.patch(
        f"/v1/award-programmes/{programme['id']}",
        json={"version": 1, "criteria": {"min_verified_hours": 9}},
        headers=admin,
    )
    assert relaxed.status_code == 200, relaxed.text
    ranked = [c["name"] for c in candidates(api, login("staff"), programme["id"], "2026")["candidates"]]
    assert ranked == ["王刚", "李明", "赵丽", "张红", "钱多"]
    # the limit keeps the best
    top = candidates(api, login("auditor"), programme["id"], "2026", limit=2)["candidates"]
    assert [c["name"] for c in top] == ["王刚", "李明"]
    # last year's list is last year's service
    assert [c["name"] for c in candidates(api, login("staff"), programme["id"], "2025")["candidates"]] == [
        "孙老"
    ]


def test_stars_party_membership_and_quarters_are_criteria_too(
    api, committee, world, login, define, volunteer, serve, today
):
    a = world.committee
    # 100 lifetime verified hours earn the first star (national thresholds), whatever the year
    veteran = volunteer(a, "孙老")
    serve(a, veteran, 100, on=date(2025, 5, 1))
    member = volunteer(a, "张红", party_member=True)
    serve(a, member, 6, on=date(2026, 11, 7))
    serve(a, member, 6, on=date(2026, 3, 1))
    other_member = volunteer(a, "周党员", party_member=True)
    serve(a, other_member, 3, on=date(2026, 10, 8))
    volunteer(a, "李明")

    town = login("town_admin")
    good_people = define(town, name="金山好人", criteria={"min_stars": 1})
    listed = candidates(api, login("staff"), good_people["id"], "2026")["candidates"]
    assert [(c["name"], c["evidence"]["stars"], c["evidence"]["verified_hours"]) for c in listed] == [
        ("孙老", 1, 0.0)
    ]

    party = define(
        town,
        name="优秀党员",
        period_kind="quarter",
        criteria={"require_party_member": True, "min_verified_hours": 5},
    )
    fourth = candidates(api, login("staff"), party["id"], "2026-Q4")["candidates"]
    assert [(c["name"], c["evidence"]["verified_hours"], c["evidence"]["party_member"]) for c in fourth] == [
        ("张红", 6.0, True)
    ]
    assert [c["name"] for c in candidates(api, login("staff"), party["id"], "2026-Q1")["candidates"]] == [
        "张红"
    ]
    assert candidates(api, login("staff"), party["id"], "2026-Q2")["candidates"] == []

    # a programme of one kind takes only periods of that kind
    for programme, period in ((party, "2026"), (good_people, "2026-Q4")):
        assert_problem(
            api.get(
                f"/v1/award-programmes/{programme['id']}/candidates",
                params={"period": period},
                headers=login("staff"),
            ),
            422,
            "award-period-invalid",
        )


def test_towns_name_the_committee_and_nobody_sees_another_committees_list(
    api, committee, world, login, define, volunteer, serve, today
):
    a = world.committee
    programme = define(login("district_admin"), criteria={"min_verified_hours": 1})
    volunteer_id = volunteer(a, "张红")
    serve(a, volunteer_id, 2)
    url = f"/v1/award-programmes/{programme['id']}/candidates"

    staff_view = candidates(api, login("staff"), programme["id"], "2026")
    town_view = candidates(api, login("town_admin"), programme["id"], "2026", committee_id=str(a.id))
    district_view = candidates(api, login("district_admin"), programme["id"], "2026", committee_id=str(a.id))
    assert staff_view == town_view == district_view
    assert [c["name"] for c in staff_view["candidates"]] == ["张红"]

    # a town or district names the committee; a committee's staff see only their own
    assert_problem(
        api.get(url, params={"period": "2026"}, headers=login("town_admin")), 422, "committee-required"
    )
    for who, committee_id in (
        ("staff", world.sibling.id),
        ("town_admin", world.far_committee.id),
        ("town_admin", world.town.id),
        ("other_town_admin", a.id),
        ("staff", uuid.uuid4()),
    ):
        response = api.get(
            url, params={"period": "2026", "committee_id": str(committee_id)}, headers=login(who)
        )
        assert_problem(response, 404, "committee-not-found")
    # a committee's own programme is nobody else's: not its sibling's, and not listable for its sibling
    own = define(login("tenant_admin"), name="甲居民区好邻居")
    assert_problem(
        api.get(
            f"/v1/award-programmes/{own['id']}/candidates",
            params={"period": "2026"},
            headers=login("sibling_admin"),
        ),
        404,
        "award-programme-not-found",
    )
    assert_problem(
        api.get(
            f"/v1/award-programmes/{own['id']}/candidates",
            params={"period": "2026", "committee_id": str(world.sibling.id)},
            headers=login("town_admin"),
        ),
        404,
        "award-programme-not-found",
    )
    # volunteers do not see candidate lists
    assert_problem(api.get(url, params={"period": "2026"}, headers=login("volunteer")), 403)
    for params in (
        {},
        {"period": "26"},
        {"period": "2026-Q5"},
        {"period": "2026Q4"},
        {"period": "2026", "limit": 0},
        {"period": "2026", "limit": 201},
        {"period": "2026", "committee_id": "A"},
    ):
        assert_problem(api.get(url, params=params, headers=login("staff")), 422)
    assert_problem(
        api.get(
            f"/v1/award-programmes/{uuid.uuid4()}/candidates",
            params={"period": "2026"},
            headers=login("staff"),
        ),
        404,
    )
