"""The portal's JSON twin of the resident's page (same rules, problem+json), and the hourly rate limit per
client address that both share."""

from datetime import datetime, timedelta

import pytest

from linli_shared.clock import SHANGHAI

NOW = datetime(2026, 11, 10, 10, 0, tzinfo=SHANGHAI)
READING = timedelta(seconds=5)
PROBLEM = "application/problem+json"


def opened(client, clock, token: str) -> dict:
    clock.at = NOW
    answer = client.get(f"/v1/feedback/{token}")
    assert answer.status_code == 200, answer.text
    clock.at = NOW + READING
    return answer.json()


def test_the_portal_shows_the_service_and_takes_a_rating_once(
    committee, register, record, link, ratings, rating_events, feedback_client, clock
):
    volunteer = register(committee.tenant, "蒋老师")
    record_id = record(committee.tenant, volunteer, volunteer_name="蒋老师")
    token = link(committee.tenant, record_id)
    form = opened(feedback_client, clock, token)
    assert form["activity_name"] == "垃圾分类值守"
    assert form["service_date"] == "2026-11-07"
    assert form["volunteer"] == "蒋志愿者"
    assert form["scores"] == {"1": "非常不满意", "2": "不满意", "3": "一般", "4": "满意", "5": "非常满意"}
    assert datetime.fromisoformat(form["expires_at"]) == datetime(2026, 12, 8, tzinfo=SHANGHAI)

    answer = feedback_client.post(
        "/v1/feedback", json={"token": token, "score": 3, "comment": " 还行 ", "stamp": form["stamp"]}
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["record_id"] == str(record_id)
    assert answer.json()["score"] == 3
    [stored] = ratings(committee.tenant)
    assert (stored.score, stored.comment) == (3, "还行")
    assert len(rating_events(volunteer)) == 1

    again = feedback_client.post("/v1/feedback", json={"token": token, "score": 5, "stamp": form["stamp"]})
    assert again.status_code == 409
    assert again.headers["content-type"] == PROBLEM
    assert again.json()["type"].endswith("/already-rated")
    assert feedback_client.get(f"/v1/feedback/{token}").status_code == 409
    assert [row.score for row in ratings(committee.tenant)] == [3]


@pytest.mark.parametrize(
    "body",
    [
        {"score": 0},
        {"score": 6},
        {"score": "5"},
        {"score": True},
        {"score": 4.5},
        {"score": None},
        {},
        {"score": 5, "comment": "好" * 501},
        {"score": 5, "comment": "nul\x00"},
        {"score": 5, "comment": 5},
        {"score": 5, "extra": "field"},
        {"score": 5, "stamp": None},
        {"score": 5, "token": ""},
    ],
)
def test_bad_ratings_are_refused_and_nothing_is_stored(
    body, committee, register, record, link, ratings, feedback_client, clock
):
    volunteer = register(committee.tenant, "沈阿姨")
    token = link(committee.tenant, record(committee.tenant, volunteer))
    form = opened(feedback_client, clock, token)
    answer = feedback_client.post("/v1/feedback", json={"token": token, "stamp": form["stamp"], **body})
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == PROBLEM
    assert ratings(committee.tenant) == []


def test_forged_expired_and_foreign_links_are_problems(
    committee, world, register, record, link, ratings, feedback_client, clock
):
    volunteer = register(committee.tenant, "韩师傅")
    record_id = record(committee.tenant, volunteer)
    token = link(committee.tenant, record_id)
    form = opened(feedback_client, clock, token)
    payload, signature = token.split(".")
    for forged in (f"{payload}.{signature[::-1]}", link(world.sibling, record_id), "abc"):
        answer = feedback_client.post(
            "/v1/feedback", json={"token": forged, "score": 5, "stamp": form["stamp"]}
        )
        assert answer.status_code == 404
        assert answer.json()["type"].endswith("/feedback-link-invalid")
        assert feedback_client.get(f"/v1/feedback/{forged}").status_code == 404

    clock.at = datetime(2026, 12, 8, tzinfo=SHANGHAI)
    expired = feedback_client.post("/v1/feedback", json={"token": token, "score": 5, "stamp": form["stamp"]})
    assert expired.status_code == 410
    assert expired.json()["type"].endswith("/feedback-link-expired")
    assert feedback_client.get(f"/v1/feedback/{token}").status_code == 410
    assert ratings(committee.tenant) == []


def test_a_rating_sent_straight_back_is_dropped_as_spam(
    committee, register, record, link, ratings, feedback_client, clock
):
    volunteer = register(committee.tenant, "杨叔")
    token = link(committee.tenant, record(committee.tenant, volunteer))
    form = opened(feedback_client, clock, token)
    clock.at = NOW + timedelta(milliseconds=800)
    answer = feedback_client.post("/v1/feedback", json={"token": token, "score": 1, "stamp": form["stamp"]})
    assert answer.status_code == 201  # accepted-looking
    assert ratings(committee.tenant) == []
    forged = feedback_client.post("/v1/feedback", json={"token": token, "score": 1, "stamp": "1.AAAA"})
    assert forged.status_code == 201
    assert ratings(committee.tenant) == []


def test_an_address_rates_at_most_feedback_per_hour(
    committee, register, record, link, rate, ratings, limited_client, other_address_client, clock
):
    """Two an hour on the limited app: the third is refused (page and API) until the first is an hour old;
    another address is not held back. Only a keyed hash of the address is kept."""
    volunteer = register(committee.tenant, "朱阿姨")
    tokens = [link(committee.tenant, record(committee.tenant, volunteer)) for _ in range(5)]
    assert rate(tokens[0], 5, at=NOW, client=limited_client).status_code == 200
    assert rate(tokens[1], 4, at=NOW + timedelta(minutes=20), client=limited_client).status_code == 200

    limited = rate(tokens[2], 3, at=NOW + timedelta(minutes=30), client=limited_client)
    assert limited.status_code == 429
    assert "提交过于频繁" in limited.text
    # the first rating (sent at NOW + 5 s) leaves the hour at NOW + 1 h + 5 s
    assert int(limited.headers["retry-after"]) == 30 * 60 + 1
    form = limited_client.get(f"/v1/feedback/{tokens[2]}").json()
    clock.at += READING
    api = limited_client.post("/v1/feedback", json={"token": tokens[2], "score": 3, "stamp": form["stamp"]})
    assert api.status_code == 429
    assert api.headers["content-type"] == PROBLEM
    assert api.json()["type"].endswith("/feedback-rate-limited")
    assert "retry-after" in api.headers
    assert len(ratings(committee.tenant)) == 2

    assert rate(tokens[3], 3, at=NOW + timedelta(minutes=31), client=other_address_client).status_code == 200
    assert rate(tokens[2], 3, at=NOW + timedelta(hours=1), client=limited_client).status_code == 200
    hashes = {row.client_hash for row in ratings(committee.tenant)}
    assert len(hashes) == 2
    assert not any("198.51.100.10" in value or "203.0.113.77" in value for value in hashes)
