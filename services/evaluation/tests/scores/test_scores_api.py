"""A volunteer's score, explained (no black box): each component's raw inputs, value, weight and
contribution, adding up to the score; a volunteer sees only their own; another committee's volunteers are
not found; the committee's volunteers ranked and paged; recomputing on demand; bad input writes nothing."""

import uuid
from datetime import date
from decimal import Decimal

import pytest

from linli_shared.cursors import encode_cursor

COMPONENT_KEYS = ["hours", "satisfaction", "reliability", "training", "audits"]


def a_busy_volunteer(committee, register, record, rate, signup, qualification, audit, **fields) -> uuid.UUID:
    volunteer = register(committee.tenant, "张阿姨", **fields)
    for month in (2, 5, 8):
        rated = record(committee.tenant, volunteer, hours=4.0, on=date(2026, month, 3))
        rate(committee, rated, volunteer, 5)
    for month in range(1, 12):
        signup(committee.tenant, volunteer, "confirmed", on=date(2026, month, 8))
    signup(committee.tenant, volunteer, "confirmed", "no_show", on=date(2026, 6, 9))
    qualification(committee.tenant, volunteer, "应急救护", granted_on=date(2026, 4, 1))
    audit(committee, record(committee.tenant, volunteer, on=date(2026, 9, 1)), volunteer, "confirmed")
    return volunteer


@pytest.fixture
def busy(committee, register, record, rate, signup, qualification, audit):
    return a_busy_volunteer(committee, register, record, rate, signup, qualification, audit)


def test_a_score_is_explained_and_adds_up(evaluation_client, now, committee, busy, login):
    response = evaluation_client.get(f"/v1/volunteers/{busy}/score", headers=login("staff"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["volunteer_id"], body["name"], body["committee_id"]) == (
        str(busy),
        "张阿姨",
        str(committee.id),
    )
    assert (body["computed_on"], body["window_start"]) == ("2026-11-25", "2025-11-26")
    assert body["stored"] is False  # nothing stored yet: computed for today, not kept
    assert body["policy"] == {
        "window_months": 12,
        "target_hours": 40.0,
        "source": "default",
        "source_tenant_id": None,
    }
    components = {component["key"]: component for component in body["components"]}
    assert list(components) == COMPONENT_KEYS
    assert abs(sum(component["contribution"] for component in components.values()) - body["score"]) <= 0.01
    for component in components.values():
        assert component["label"]
        assert component["formula"]
        assert component["summary"]
        assert abs(component["value"] * component["weight"] - component["contribution"]) <= 0.0051
    reliability = components["reliability"]
    assert (reliability["label"], reliability["value"], reliability["weight"]) == ("守约情况", 91.67, 0.2)
    assert reliability["summary"] == "12 次确认报名，1 次缺席，0 次临时取消"
    assert {entry["key"]: entry["value"] for entry in reliability["inputs"]} == {
        "signups": 12,
        "no_shows": 1,
        "late_cancellations": 0,
    }
    assert {entry["key"]: entry["label"] for entry in reliability["inputs"]}["no_shows"] == "缺席次数"
    hours = components["hours"]
    assert (hours["value"], hours["contribution"]) == (35.0, 12.25)  # 14 h of 40; the audited record counts
    assert components["training"]["summary"] == "持有 1 项有效资质（应急救护），窗口内培训取证 1 次"
    assert components["training"]["value"] == 80.0
    assert components["audits"]["summary"] == "抽查 1 条服务记录：1 条确认，0 条调整，0 条驳回"
    assert components["satisfaction"]["value"] == 84.38  # m = (5 × 4.0 + 3 × 5) / 8 = 4.375
    assert body["summary"].startswith(f"综合得分 {body['score']:.2f} = 服务时长 12.25 + 群众满意度 ")


def test_recomputing_keeps_the_score_and_shows_what_was_kept(
    evaluation_client, now, committee, busy, login, stored_scores
):
    live = evaluation_client.get(f"/v1/volunteers/{busy}/score", headers=login("staff")).json()
    response = evaluation_client.post(f"/v1/volunteers/{busy}/score/recompute", headers=login("staff"))
    assert response.status_code == 200, response.text
    kept = response.json()
    assert kept["stored"] is True
    assert kept["computed_at"]
    assert {key: kept[key] for key in ("score", "components", "computed_on")} == {
        key: live[key] for key in ("score", "components", "computed_on")
    }
    assert evaluation_client.get(f"/v1/volunteers/{busy}/score", headers=login("staff")).json() == kept
    row = stored_scores(committee)[busy]
    assert row.score == Decimal(str(kept["score"]))
    assert row.policy["weights"] == {
        "hours": "0.350",
        "satisfaction": "0.250",
        "reliability": "0.200",
        "training": "0.100",
        "audits": "0.100",
    }


def test_the_weights_that_apply_are_the_ones_used(evaluation_client, now, world, committee, busy, login):
    weights = {"hours": 1, "satisfaction": 0, "reliability": 0, "training": 0, "audits": 0}
    assert (
        evaluation_client.put(
            "/v1/score-weights",
            headers=login("district_admin"),
            json={"weights": weights, "target_hours": 14},
        ).status_code
        == 200
    )
    body = evaluation_client.get(f"/v1/volunteers/{busy}/score", headers=login("staff")).json()
    assert body["score"] == 100.0
    assert (body["policy"]["source"], body["policy"]["source_tenant_id"]) == (
        "district",
        str(world.district.id),
    )
    assert [component["weight"] for component in body["components"]] == [1.0, 0.0, 0.0, 0.0, 0.0]


def test_a_volunteer_sees_their_own_score(evaluation_client, now, committee, me, busy, login, record, signup):
    record(committee.tenant, me, hours=10.0, on=date(2026, 11, 1))
    signup(committee.tenant, me, "confirmed", "cancelled", on=date(2026, 11, 2), late=True)
    response = evaluation_client.get("/v1/me/score", headers=login("volunteer"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["volunteer_id"], body["name"]) == (str(me), "王阿姨")
    components = {component["key"]: component for component in body["components"]}
    assert components["hours"]["value"] == 25.0
    assert components["reliability"]["summary"] == "1 次确认报名，0 次缺席，1 次临时取消"
    assert components["reliability"]["value"] == 50.0


def test_a_volunteer_sees_no_one_elses(evaluation_client, now, committee, me, busy, login):
    headers = login("volunteer")
    for path in (f"/v1/volunteers/{busy}/score", f"/v1/volunteers/{me}/score", "/v1/scores"):
        response = evaluation_client.get(path, headers=headers)
        assert response.status_code == 403, path
        assert response.headers["content-type"] == "application/problem+json"
    for path in (f"/v1/volunteers/{busy}/score/recompute", "/v1/scores/recompute"):
        assert evaluation_client.post(path, headers=headers).status_code == 403, path


def test_staff_have_no_score_of_their_own(evaluation_client, now, committee, login):
    assert evaluation_client.get("/v1/me/score", headers=login("staff")).status_code == 403


def test_a_login_not_linked_to_a_volunteer(evaluation_client, now, committee, login):
    response = evaluation_client.get("/v1/me/score", headers=login("volunteer"))
    assert response.status_code == 404
    assert response.json()["type"].endswith("/volunteer-not-linked")


def test_town_and_district_read_their_subtree(evaluation_client, now, committee, busy, login):
    for key in ("town_admin", "district_admin", "auditor"):
        assert evaluation_client.get(f"/v1/volunteers/{busy}/score", headers=login(key)).status_code == 200, (
            key
        )


def test_another_committees_volunteer_is_not_found_and_nothing_is_written(
    evaluation_client, now, committee, busy, login, stored_scores
):
    for key in ("sibling_admin", "other_town_admin"):
        response = evaluation_client.get(f"/v1/volunteers/{busy}/score", headers=login(key))
        assert response.status_code == 404, key
        assert response.json()["type"].endswith("/volunteer-not-found")
    response = evaluation_client.post(
        f"/v1/volunteers/{busy}/score/recompute", headers=login("sibling_admin")
    )
    assert response.status_code == 404
    assert stored_scores(committee) == {}


def test_unknown_and_malformed_volunteer_ids(evaluation_client, now, committee, login, stored_scores):
    headers = login("staff")
    assert evaluation_client.get(f"/v1/volunteers/{uuid.uuid4()}/score", headers=headers).status_code == 404
    assert (
        evaluation_client.post(f"/v1/volunteers/{uuid.uuid4()}/score/recompute", headers=headers).status_code
        == 404
    )
    response = evaluation_client.get("/v1/volunteers/not-a-uuid/score", headers=headers)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert stored_scores(committee) == {}


def test_only_staff_recompute(evaluation_client, now, committee, busy, login, stored_scores):
    for key in ("town_admin", "district_admin", "auditor"):
        assert evaluation_client.post("/v1/scores/recompute", headers=login(key)).status_code == 403, key
        assert (
            evaluation_client.post(f"/v1/volunteers/{busy}/score/recompute", headers=login(key)).status_code
            == 403
        ), key
    assert stored_scores(committee) == {}


# ranking --------------------------------------------------------------------------------------------------


@pytest.fixture
def ranked(committee, register, record, deliver, now):
    """Four active volunteers with 0, 10, 20 and 20 verified hours, and one who left (with 40)."""
    ids = {}
    for name, hours in (("甲", 0), ("乙", 10), ("丙", 20), ("丁", 20), ("戊", 40)):
        ids[name] = register(committee.tenant, name)
        if hours:
            record(committee.tenant, ids[name], hours=float(hours), on=date(2026, 10, 1))
    deliver(
        "linli.roster.volunteer.exited.v1",
        "roster.volunteers",
        committee.tenant,
        ids["戊"],
        {"volunteer_id": str(ids["戊"]), "reason": "搬家", "exited_on": "2026-11-01"},
    )
    return ids


def test_the_committee_ranked_best_first(evaluation_client, committee, ranked, login):
    response = evaluation_client.post("/v1/scores/recompute", headers=login("staff"))
    assert response.status_code == 200, response.text
    assert response.json() == {"computed_on": "2026-11-25", "volunteers": 4}  # the one who left is not scored
    page = evaluation_client.get("/v1/scores", headers=login("staff")).json()
    assert page["next_cursor"] is None
    assert [(row["name"], row["rank"]) for row in page["items"][:2]] in (
        [("丙", 1), ("丁", 1)],
        [("丁", 1), ("丙", 1)],
    )
    assert [(row["name"], row["rank"]) for row in page["items"][2:]] == [("乙", 3), ("甲", 4)]
    top = page["items"][0]
    assert top["hours"] == 50.0
    assert top["committee_id"] == str(committee.id)
    assert top["score"] == pytest.approx(
        0.35 * top["hours"]
        + 0.25 * top["satisfaction"]
        + 0.2 * top["reliability"]
        + 0.1 * top["training"]
        + 0.1 * top["audits"],
        abs=0.03,
    )
    worst_first = evaluation_client.get("/v1/scores", headers=login("staff"), params={"order": "asc"}).json()
    assert [row["volunteer_id"] for row in worst_first["items"]] == [
        row["volunteer_id"] for row in reversed(page["items"])
    ]


@pytest.mark.parametrize("order", ["desc", "asc"])
def test_the_ranking_pages_through_everyone_once(evaluation_client, committee, ranked, login, order):
    headers = login("staff")
    assert evaluation_client.post("/v1/scores/recompute", headers=headers).status_code == 200
    whole = evaluation_client.get("/v1/scores", headers=headers, params={"order": order}).json()["items"]
    seen, cursor = [], None
    while True:
        params = {"order": order, "limit": 1, **({"cursor": cursor} if cursor else {})}
        page = evaluation_client.get("/v1/scores", headers=headers, params=params).json()
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == whole
    assert len(seen) == 4


def test_the_ranking_shows_only_the_callers_subtree(
    evaluation_client, world, committee, ranked, register, login, now
):
    assert evaluation_client.post("/v1/scores/recompute", headers=login("staff")).status_code == 200
    register(world.sibling, "邻居")
    assert evaluation_client.post("/v1/scores/recompute", headers=login("sibling_admin")).status_code == 200
    sibling = evaluation_client.get("/v1/scores", headers=login("sibling_admin")).json()["items"]
    assert [row["name"] for row in sibling] == ["邻居"]
    assert len(evaluation_client.get("/v1/scores", headers=login("staff")).json()["items"]) == 4
    town = evaluation_client.get("/v1/scores", headers=login("town_admin")).json()["items"]
    assert {row["committee_id"] for row in town} == {str(world.committee.id), str(world.sibling.id)}
    assert evaluation_client.get("/v1/scores", headers=login("other_town_admin")).json()["items"] == []


@pytest.mark.parametrize(
    "params",
    [
        {"order": "sideways"},
        {"limit": 0},
        {"limit": 501},
        {"cursor": "not-a-cursor"},
        {"cursor": encode_cursor("abc", "def")},
        {"cursor": encode_cursor("NaN", uuid.UUID(int=0))},
        {"cursor": encode_cursor("50.00")},
    ],
)
def test_bad_ranking_queries_are_refused(evaluation_client, committee, login, params):
    response = evaluation_client.get("/v1/scores", headers=login("staff"), params=params)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
