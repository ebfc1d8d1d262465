"""Score weights per district, town or committee: the nearest up a committee's path applies (never another
branch's or another district's), only a node's own admin sets them, and bad weights are refused with
nothing written."""

import uuid
from decimal import Decimal

import pytest

from linli_evaluation.scores.models import ScorePolicy
from linli_shared.tenancy import Role, TenantContext, child_path

DEFAULTS = {"hours": 0.35, "satisfaction": 0.25, "reliability": 0.2, "training": 0.1, "audits": 0.1}
EVEN = {"hours": 0.2, "satisfaction": 0.2, "reliability": 0.2, "training": 0.2, "audits": 0.2}
HOURS_FIRST = {"hours": 0.6, "satisfaction": 0.1, "reliability": 0.1, "training": 0.1, "audits": 0.1}


def weights_seen(client, headers) -> dict:
    response = client.get("/v1/score-weights", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def put(client, headers, weights, **fields):
    return client.put("/v1/score-weights", headers=headers, json={"weights": weights, **fields})


def test_the_defaults_apply_until_someone_sets_weights(evaluation_client, committee, login):
    seen = weights_seen(evaluation_client, login("staff"))
    assert seen == {
        "weights": DEFAULTS,
        "window_months": 12,
        "target_hours": 40.0,
        "source": "default",
        "source_tenant_id": None,
    }


def test_a_districts_weights_apply_to_every_committee_below_it(evaluation_client, world, committee, login):
    response = put(evaluation_client, login("district_admin"), EVEN, window_months=6, target_hours=30)
    assert response.status_code == 200, response.text
    assert response.json()["source"] == "own"
    for key in ("staff", "sibling_admin", "town_admin", "volunteer", "auditor"):
        seen = weights_seen(evaluation_client, login(key))
        assert seen["weights"] == EVEN, key
        assert (seen["window_months"], seen["target_hours"]) == (6, 30.0)
        assert (seen["source"], seen["source_tenant_id"]) == ("district", str(world.district.id))


def test_a_town_refines_and_a_committee_refines_again(evaluation_client, world, committee, login):
    assert put(evaluation_client, login("district_admin"), EVEN).status_code == 200
    assert put(evaluation_client, login("town_admin"), HOURS_FIRST).status_code == 200
    committee_weights = {
        "hours": 0.5,
        "satisfaction": 0.2,
        "reliability": 0.2,
        "training": 0.05,
        "audits": 0.05,
    }
    assert put(evaluation_client, login("tenant_admin"), committee_weights).status_code == 200

    mine = weights_seen(evaluation_client, login("staff"))
    assert (mine["weights"], mine["source"], mine["source_tenant_id"]) == (
        committee_weights,
        "own",
        str(world.committee.id),
    )
    # the sibling committee has the town's, never committee A's own
    sibling = weights_seen(evaluation_client, login("sibling_admin"))
    assert (sibling["weights"], sibling["source"]) == (HOURS_FIRST, "town")
    # the other town's committee still has the district's, never town 1's
    assert weights_seen(evaluation_client, login("other_town_admin"))["weights"] == EVEN
    assert weights_seen(evaluation_client, login("district_admin"))["weights"] == EVEN


def test_setting_them_again_replaces_them(evaluation_client, world, committee, login, policies_under):
    headers = login("tenant_admin")
    assert put(evaluation_client, headers, EVEN).status_code == 200
    assert put(evaluation_client, headers, HOURS_FIRST, window_months=3).status_code == 200
    (policy,) = policies_under(world.committee)
    assert (policy.hours_weight, policy.window_months) == (Decimal("0.600"), 3)
    assert policy.updated_by
    assert weights_seen(evaluation_client, headers)["weights"] == HOURS_FIRST


def test_another_districts_weights_never_apply(evaluation_client, evaluation_database, committee, login):
    elsewhere = uuid.uuid4()
    path = child_path("linli", elsewhere)
    context = TenantContext(tenant_id=elsewhere, tenant_path=path, role=Role.SERVICE, subject="test")
    with evaluation_database.transaction(context) as session:
        session.add(
            ScorePolicy(
                tenant_id=elsewhere,
                tenant_path=path,
                hours_weight=Decimal(1),
                satisfaction_weight=Decimal(0),
                reliability_weight=Decimal(0),
                training_weight=Decimal(0),
                audits_weight=Decimal(0),
                window_months=1,
                target_hours=Decimal(1),
                updated_by="elsewhere",
            )
        )
    for key in ("staff", "district_admin"):
        assert weights_seen(evaluation_client, login(key))["source"] == "default", key


def test_weights_summing_to_one_within_a_thousandth_are_stored_exact(
    evaluation_client, world, committee, login, policies_under
):
    thirds = {"hours": 0.333, "satisfaction": 0.333, "reliability": 0.333, "training": 0, "audits": 0}
    response = put(evaluation_client, login("tenant_admin"), thirds)
    assert response.status_code == 200, response.text
    assert response.json()["weights"] == {**thirds, "hours": 0.334}
    (policy,) = policies_under(world.committee)
    total = (
        policy.hours_weight
        + policy.satisfaction_weight
        + policy.reliability_weight
        + policy.training_weight
        + policy.audits_weight
    )
    assert total == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"weights": {**DEFAULTS, "hours": 0.3}}, "body"),  # sums to 0.95
        ({"weights": {**DEFAULTS, "audits": 0.102}}, "body"),  # sums to 1.002
        ({"weights": {**DEFAULTS, "training": 0, "audits": 0}}, "body"),  # sums to 0.8
        ({"weights": {**DEFAULTS, "hours": -0.05, "satisfaction": 0.65}}, "body.weights.hours"),
        ({"weights": {**DEFAULTS, "hours": 1.35, "satisfaction": -0.75}}, "body.weights.hours"),
        ({"weights": {**DEFAULTS, "hours": 0.3505, "satisfaction": 0.2495}}, "body.weights.hours"),
        (
            {"weights": {key: value for key, value in DEFAULTS.items() if key != "audits"}},
            "body.weights.audits",
        ),
        ({"weights": {**DEFAULTS, "kindness": 0}}, "body.weights.kindness"),
        ({"weights": {**DEFAULTS, "hours": True}}, "body.weights.hours"),
        ({"weights": {**DEFAULTS, "hours": "lots"}}, "body.weights.hours"),
        ({"weights": {**DEFAULTS, "hours": "NaN"}}, "body.weights.hours"),
        ({"weights": DEFAULTS, "window_months": 0}, "body.window_months"),
        ({"weights": DEFAULTS, "window_months": 37}, "body.window_months"),
        ({"weights": DEFAULTS, "window_months": "12"}, "body.window_months"),
        ({"weights": DEFAULTS, "target_hours": 0}, "body.target_hours"),
        ({"weights": DEFAULTS, "target_hours": 5000}, "body.target_hours"),
        ({"weights": DEFAULTS, "owner": "me"}, "body.owner"),
        ({}, "body.weights"),
    ],
)
def test_bad_weights_are_refused_and_nothing_is_written(
    evaluation_client, world, committee, login, policies_under, body, field
):
    response = evaluation_client.put("/v1/score-weights", headers=login("district_admin"), json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert field in {error["field"] for error in response.json()["errors"]}
    assert policies_under(world.district) == []


def test_the_sum_rule_is_explained(evaluation_client, committee, login):
    response = put(evaluation_client, login("tenant_admin"), {**DEFAULTS, "hours": 0.3})
    assert response.status_code == 422
    assert "sum to 1" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize("key", ["staff", "auditor", "volunteer"])
def test_only_a_nodes_admin_sets_its_weights(evaluation_client, world, committee, login, policies_under, key):
    response = put(evaluation_client, login(key), EVEN)
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert policies_under(world.district) == []


def test_anonymous_callers_neither_read_nor_set(evaluation_client, world, committee, policies_under):
    assert evaluation_client.get("/v1/score-weights").status_code == 401
    assert evaluation_client.put("/v1/score-weights", json={"weights": EVEN}).status_code == 401
    assert policies_under(world.district) == []
