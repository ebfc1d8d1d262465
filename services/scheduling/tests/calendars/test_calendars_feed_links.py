"""A volunteer's subscribable feed: a signed link their calendar app fetches without a login. Forged or
altered links, and links whose volunteer exited or whose login changed, are not found."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from linli_scheduling.calendars.feeds import FeedClaims, FeedSigner
from linli_shared.problems import PROBLEM_JSON

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
FEEDS = "/v1/calendar-feeds/"


def feed_url(client, headers) -> str:
    response = client.post("/v1/me/calendar-feed", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["url"]


def path_of(url: str) -> str:
    return url.removeprefix("http://127.0.0.1:8003")


def test_a_volunteer_subscribes_to_their_own_signups(
    scheduling_client, committee, login, me, register, world, plan, sign_up, clock, read_ics
):
    clock.at = NOW
    tenant = world.committee
    confirmed = plan(tenant, NOW + timedelta(days=2))
    queued = plan(tenant, NOW + timedelta(days=3))
    sign_up(tenant, confirmed, me)
    sign_up(tenant, queued, me, status="waitlisted")
    sign_up(tenant, plan(tenant, NOW + timedelta(days=4)), register(tenant, "李四"))

    volunteer = login("volunteer")
    response = scheduling_client.post("/v1/me/calendar-feed", headers=volunteer)
    assert response.status_code == 200, response.text
    link = response.json()
    assert link["url"].startswith("http://127.0.0.1:8003/v1/calendar-feeds/")
    assert link["url"].endswith(".ics")
    assert link["webcal_url"] == "webcal://" + link["url"].removeprefix("http://")
    assert feed_url(scheduling_client, volunteer) == link["url"]  # asking again gives the same link

    feed = scheduling_client.get(path_of(link["url"]))  # no bearer token: the app has none
    assert feed.status_code == 200, feed.text
    assert feed.headers["content-type"] == "text/calendar; charset=utf-8"
    calendar, events = read_ics(feed.text)
    assert calendar["X-WR-CALNAME"] == "王阿姨的志愿服务"
    assert [(event["UID"], event["STATUS"]) for event in events] == [
        (f"{confirmed}@linli", "CONFIRMED"),
        (f"{queued}@linli", "TENTATIVE"),
    ]
    staff_view = scheduling_client.get(f"/v1/volunteers/{me}/calendar.ics", headers=login("staff"))
    assert feed.text == staff_view.text


@pytest.fixture
def link(scheduling_client, committee, login, me) -> str:
    return path_of(feed_url(scheduling_client, login("volunteer")))


def assert_no_feed(response):
    assert response.status_code == 404, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["type"].endswith("/calendar-feed-not-found")


def test_forged_and_altered_links_are_not_found(scheduling_client, link, me, world, scheduling_settings):
    token = link.removeprefix(FEEDS).removesuffix(".ics")
    payload, mac = token.split(".")
    flipped = "A" if payload[5] != "A" else "B"
    for forged in (
        payload[:5] + flipped + payload[6:] + "." + mac,
        payload + "." + mac[:-2] + ("AA" if mac[-2:] != "AA" else "BA"),
        payload + "." + mac[:-4],
        payload,
        payload + ".",
        "." + mac,
        "not-a-token",
        "x" * 400,
        "汉字." + mac,
        token + "." + mac,
    ):
        assert_no_feed(scheduling_client.get(f"{FEEDS}{forged}.ics"))
    # a well-formed token signed with another key
    stranger = FeedSigner(b"another-key-" + b"7" * 32)
    claims = FeedClaims(tenant_path=world.committee.path, volunteer_id=me, user_id=uuid.uuid4())
    assert_no_feed(scheduling_client.get(f"{FEEDS}{stranger.sign(claims)}.ics"))
    too_long = scheduling_client.get(f"{FEEDS}{'x' * 401}.ics")
    assert too_long.status_code == 422
    assert scheduling_client.get(link).status_code == 200


def test_a_link_reads_only_its_own_committee(
    scheduling_client, link, me, world, scheduling_settings, register, plan, sign_up
):
    """Even a correctly signed token naming another committee finds nothing of committee A's volunteer."""
    signer = FeedSigner(scheduling_settings.signing_key.get_secret_value().encode())
    token = link.removeprefix(FEEDS).removesuffix(".ics")
    claims = signer.verify(token)
    assert claims is not None
    assert (claims.tenant_path, claims.tenant_id, claims.volunteer_id) == (
        world.committee.path,
        world.committee.id,
        me,
    )
    for path in (world.sibling.path, world.town.path, world.district.path):
        moved = FeedClaims(tenant_path=path, volunteer_id=me, user_id=claims.user_id)
        assert_no_feed(scheduling_client.get(f"{FEEDS}{signer.sign(moved)}.ics"))
    # nor does a link to a sibling's volunteer made with committee A's path
    theirs = register(world.sibling, "乙家人")
    sign_up(world.sibling, plan(world.sibling, datetime.now(UTC) + timedelta(days=1)), theirs)
    wrong_place = FeedClaims(tenant_path=world.committee.path, volunteer_id=theirs, user_id=claims.user_id)
    assert_no_feed(scheduling_client.get(f"{FEEDS}{signer.sign(wrong_place)}.ics"))


def test_a_link_stops_working_when_the_volunteer_exits_or_the_login_changes(
    scheduling_client, link, me, world, change_volunteer, login
):
    assert scheduling_client.get(link).status_code == 200
    change_volunteer(world.committee, me, user_id=uuid.uuid4())
    assert_no_feed(scheduling_client.get(link))
    relinked = scheduling_client.post("/v1/me/calendar-feed", headers=login("volunteer"))
    assert relinked.status_code == 404  # the login no longer belongs to a volunteer

    change_volunteer(world.committee, me, user_id=None)
    assert_no_feed(scheduling_client.get(link))


def test_an_exited_volunteers_link_is_gone(scheduling_client, link, me, world, change_volunteer, login):
    change_volunteer(world.committee, me, status="exited")
    assert_no_feed(scheduling_client.get(link))
    refused = scheduling_client.post("/v1/me/calendar-feed", headers=login("volunteer"))
    assert refused.status_code == 409
    assert refused.json()["type"].endswith("/volunteer-not-active")
    change_volunteer(world.committee, me, status="active")
    assert scheduling_client.get(link).status_code == 200


def test_only_a_volunteers_own_login_gets_a_link(scheduling_client, committee, login):
    for role in ("staff", "tenant_admin", "auditor", "town_admin"):
        response = scheduling_client.post("/v1/me/calendar-feed", headers=login(role))
        assert response.status_code == 403, role
        assert response.headers["content-type"] == PROBLEM_JSON
    assert scheduling_client.post("/v1/me/calendar-feed").status_code == 401
    # a volunteer login not linked to any volunteer of the committee (no `me` here)
    unlinked = scheduling_client.post("/v1/me/calendar-feed", headers=login("volunteer"))
    assert unlinked.status_code == 404
    assert unlinked.json()["type"].endswith("/volunteer-not-linked")
