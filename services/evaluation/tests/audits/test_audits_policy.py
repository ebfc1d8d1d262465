"""The audit policy: defaults until a district, town or committee sets its own; the nearest up the path
applies; only a node's admin sets it, strictly validated."""

import pytest
from sqlalchemy import func, select

from linli_evaluation.audits.models import AuditPolicy
from linli_shared.tenancy import Role, TenantContext

pytestmark = pytest.mark.integration

WEIGHTS = {"late_entry": 4, "self_reported": 2.5, "auto_closed": 1, "long": 0, "frequent": 3}
BODY = {"rate": 0.1, "min_count": 5, "risk_weights": WEIGHTS}


def policies(database, world) -> int:
    """Policies anywhere in the world's district."""
    context = TenantContext(
        tenant_id=world.district.id, tenant_path=world.district.path, role=Role.SERVICE, subject="test"
    )
    with database.transaction(context) as session:
        return session.scalar(select(func.count()).select_from(AuditPolicy))


def test_the_defaults_apply_until_someone_sets_a_policy(api, committee, login):
    response = api.get("/v1/audit-policy", headers=login("staff"))
    assert response.status_code == 200, response.text
    assert response.json() == {
        "rate": 0.05,
        "min_count": 3,
        "risk_weights": {"late_entry": 3, "self_reported": 3, "auto_closed": 2, "long": 2, "frequent": 2},
        "source": "default",
        "source_tenant_id": None,
    }


def test_the_nearest_policy_up_the_path_applies(api, committee, login, world):
    district = api.put("/v1/audit-policy", json=BODY, headers=login("district_admin"))
    assert district.status_code == 200, district.text
    assert district.json()["source"] == "own"

    seen = api.get("/v1/audit-policy", headers=login("staff")).json()
    assert seen == {**BODY, "source": "district", "source_tenant_id": str(world.district.id)}

    town = api.put("/v1/audit-policy", json={**BODY, "rate": 0.2}, headers=login("town_admin"))
    assert town.status_code == 200, town.text
    assert api.get("/v1/audit-policy", headers=login("staff")).json()["source"] == "town"
    assert api.get("/v1/audit-policy", headers=login("staff")).json()["rate"] == 0.2

    own = api.put(
        "/v1/audit-policy", json={**BODY, "rate": 0.333, "min_count": 0}, headers=login("tenant_admin")
    )
    assert own.status_code == 200, own.text
    assert own.json()["source"] == "own"
    assert own.json()["rate"] == 0.333
    # the sibling committee still follows its town
    assert api.get("/v1/audit-policy", headers=login("sibling_admin")).json()["rate"] == 0.2
    # setting it again replaces it
    again = api.put("/v1/audit-policy", json={**BODY, "rate": 0.5}, headers=login("tenant_admin"))
    assert again.json()["rate"] == 0.5


@pytest.mark.parametrize("role", ["staff", "auditor", "volunteer"])
def test_only_a_nodes_admin_sets_its_policy(api, committee, login, role, evaluation_database, world):
    response = api.put("/v1/audit-policy", json=BODY, headers=login(role))
    assert response.status_code == 403, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert policies(evaluation_database, world) == 0


@pytest.mark.parametrize(
    "change",
    [
        {"rate": 0},
        {"rate": 1.5},
        {"rate": -0.1},
        {"rate": 0.0001},
        {"rate": "0.1"},
        {"rate": True},
        {"rate": None},
        {"min_count": -1},
        {"min_count": 1001},
        {"min_count": 2.5},
        {"min_count": "3"},
        {"min_count": True},
        {"risk_weights": {**WEIGHTS, "late_entry": -1}},
        {"risk_weights": {**WEIGHTS, "long": 101}},
        {"risk_weights": {**WEIGHTS, "long": 1.234}},
        {"risk_weights": {**WEIGHTS, "frequent": "2"}},
        {"risk_weights": {key: value for key, value in WEIGHTS.items() if key != "frequent"}},
        {"risk_weights": {**WEIGHTS, "tall": 1}},
        {"risk_weights": [1, 2, 3, 4, 5]},
        {"colour": "red"},
    ],
)
def test_a_bad_policy_is_refused_and_nothing_is_written(
    api, committee, login, change, evaluation_database, world
):
    response = api.put("/v1/audit-policy", json={**BODY, **change}, headers=login("tenant_admin"))
    assert response.status_code == 422, response.text
    assert response.json()["type"].endswith("/validation")
    assert policies(evaluation_database, world) == 0
    assert api.get("/v1/audit-policy", headers=login("staff")).json()["source"] == "default"


def test_a_missing_field_is_refused(api, committee, login, evaluation_database, world):
    for field in BODY:
        body = {key: value for key, value in BODY.items() if key != field}
        response = api.put("/v1/audit-policy", json=body, headers=login("tenant_admin"))
        assert response.status_code == 422, field
    assert policies(evaluation_database, world) == 0


def test_reading_needs_a_login(api, committee):
    assert api.get("/v1/audit-policy").status_code == 401
