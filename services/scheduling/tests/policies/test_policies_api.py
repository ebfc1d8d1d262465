"""The hour policy in force for each node (its own, its town's, its district's, else the national
defaults), who may set one, strict input, and the rounding presets with their worked examples."""

import uuid

import pytest
from sqlalchemy import select, update

from linli_scheduling.policies.models import HourPolicy
from linli_scheduling.policies.rules import effective_policy
from linli_shared.problems import PROBLEM_JSON
from linli_shared.tenancy import Role, TenantContext, path_label

DISTRICT_RULES = {
    "rounding": "half_hour",
    "excluded_kinds": ["training_session", "deliberation_meeting"],
    "late_entry_window_days": 14,
    "cancellation_cutoff_hours": 24,
    "check_in_opens_minutes": 20,
}
TOWN_RULES = {**DISTRICT_RULES, "rounding": "exact", "excluded_kinds": [], "late_entry_window_days": 7}
COMMITTEE_RULES = {**DISTRICT_RULES, "rounding": "quarter_hour_down", "check_in_opens_minutes": 60}
SETTINGS = (
    "rounding",
    "excluded_kinds",
    "late_entry_window_days",
    "cancellation_cutoff_hours",
    "check_in_opens_minutes",
)


def context_of(tenant_id: uuid.UUID, path: str) -> TenantContext:
    return TenantContext(tenant_id=tenant_id, tenant_path=path, role=Role.SERVICE, subject="test")


def policy_of(client, headers) -> dict:
    response = client.get("/v1/hour-policy", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def put(client, headers, rules) -> dict:
    response = client.put("/v1/hour-policy", json=rules, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def settings_of(policy: dict) -> dict:
    return {name: policy[name] for name in SETTINGS}


def test_without_any_policy_the_national_defaults_apply(scheduling_client, committee, login):
    for role in ("volunteer", "staff", "auditor", "tenant_admin", "town_admin", "district_admin"):
        policy = policy_of(scheduling_client, login(role))
        assert (policy["source"], policy["source_tenant_id"]) == ("national_default", None)
        assert settings_of(policy) == {
            "rounding": "chongqing",
            "excluded_kinds": ["training_session"],
            "late_entry_window_days": 30,
            "cancellation_cutoff_hours": 12,
            "check_in_opens_minutes": 30,
        }
        assert "≤15分钟不计" in policy["rounding_description"]
    assert scheduling_client.get("/v1/hour-policy").status_code == 401


def test_a_district_policy_applies_to_its_committees_and_a_town_refines_it(
    scheduling_client, committee, login, world, scheduling_database
):
    district = put(scheduling_client, login("district_admin"), DISTRICT_RULES)
    assert (district["source"], district["source_tenant_id"]) == ("own", str(world.district.id))
    assert settings_of(district) == {
        **DISTRICT_RULES,
        "excluded_kinds": sorted(DISTRICT_RULES["excluded_kinds"]),
    }
    for role in ("volunteer", "staff", "tenant_admin", "sibling_admin", "town_admin", "other_town_admin"):
        policy = policy_of(scheduling_client, login(role))
        assert (policy["source"], policy["source_tenant_id"], policy["rounding"]) == (
            "district",
            str(world.district.id),
            "half_hour",
        ), role

    town = put(scheduling_client, login("town_admin"), TOWN_RULES)
    assert (town["source"], town["rounding"], town["excluded_kinds"]) == ("own", "exact", [])
    for role in ("staff", "volunteer", "sibling_admin"):
        policy = policy_of(scheduling_client, login(role))
        assert (policy["source"], policy["source_tenant_id"]) == ("town", str(world.town.id)), role
        assert settings_of(policy) == TOWN_RULES
    # the other town's committees keep the district's rules
    assert policy_of(scheduling_client, login("other_town_admin"))["source"] == "district"
    far = world.far_committee
    with scheduling_database.transaction(context_of(far.id, far.path)) as session:
        assert effective_policy(session, far.path).source_tenant_path == world.district.path

    own = put(scheduling_client, login("tenant_admin"), COMMITTEE_RULES)
    assert (own["source"], own["source_tenant_id"], own["rounding"]) == (
        "own",
        str(world.committee.id),
        "quarter_hour_down",
    )
    assert policy_of(scheduling_client, login("volunteer"))["source"] == "own"
    assert policy_of(scheduling_client, login("sibling_admin"))["source"] == "town"

    # setting it again replaces it
    again = put(scheduling_client, login("district_admin"), {**DISTRICT_RULES, "rounding": "chongqing"})
    assert again["rounding"] == "chongqing"
    assert policy_of(scheduling_client, login("other_town_admin"))["rounding"] == "chongqing"
    with scheduling_database.transaction(context_of(world.district.id, world.district.path)) as session:
        row = session.get(HourPolicy, world.district.id)
        assert row.version == 2
        assert row.updated_by  # the admin's subject


def test_another_districts_policy_never_applies(scheduling_client, committee, login, scheduling_database):
    elsewhere = uuid.uuid4()
    path = f"linli.{path_label(elsewhere)}"
    with scheduling_database.transaction(context_of(elsewhere, path)) as session:
        session.add(
            HourPolicy(
                tenant_id=elsewhere,
                tenant_path=path,
                rounding="exact",
                excluded_kinds=[],
                late_entry_window_days=1,
                cancellation_cutoff_hours=1,
                check_in_opens_minutes=1,
                updated_by="test",
            )
        )
    for role in ("volunteer", "tenant_admin", "district_admin"):
        assert policy_of(scheduling_client, login(role))["source"] == "national_default"


def test_a_committee_reads_its_ancestors_policies_but_cannot_change_them(
    scheduling_client, committee, login, world, scheduling_database
):
    put(scheduling_client, login("district_admin"), DISTRICT_RULES)
    with scheduling_database.transaction(committee.context) as session:
        visible = session.scalars(select(HourPolicy.tenant_id)).all()
        assert world.district.id in visible
        changed = session.execute(
            update(HourPolicy).where(HourPolicy.tenant_id == world.district.id).values(rounding="exact")
        )
        assert changed.rowcount == 0
    assert policy_of(scheduling_client, login("staff"))["rounding"] == "half_hour"


def test_only_admins_set_their_own_nodes_policy(scheduling_client, committee, login):
    for role in ("staff", "auditor", "volunteer"):
        response = scheduling_client.put("/v1/hour-policy", json=DISTRICT_RULES, headers=login(role))
        assert response.status_code == 403, role
        assert response.headers["content-type"] == PROBLEM_JSON
    assert scheduling_client.put("/v1/hour-policy", json=DISTRICT_RULES).status_code == 401
    # a sibling committee's admin sets the sibling's policy, never committee A's
    put(scheduling_client, login("sibling_admin"), COMMITTEE_RULES)
    assert policy_of(scheduling_client, login("sibling_admin"))["source"] == "own"
    assert policy_of(scheduling_client, login("staff"))["source"] == "national_default"


@pytest.mark.parametrize(
    "rules",
    [
        {**DISTRICT_RULES, "rounding": "ceiling"},
        {**DISTRICT_RULES, "rounding": "CHONGQING"},
        {**DISTRICT_RULES, "rounding": None},
        {**DISTRICT_RULES, "excluded_kinds": ["meditation"]},
        {**DISTRICT_RULES, "excluded_kinds": ["service", "service"]},
        {**DISTRICT_RULES, "excluded_kinds": "service"},
        {**DISTRICT_RULES, "late_entry_window_days": -1},
        {**DISTRICT_RULES, "late_entry_window_days": 367},
        {**DISTRICT_RULES, "late_entry_window_days": "14"},
        {**DISTRICT_RULES, "cancellation_cutoff_hours": 169},
        {**DISTRICT_RULES, "cancellation_cutoff_hours": 12.5},
        {**DISTRICT_RULES, "check_in_opens_minutes": 241},
        {**DISTRICT_RULES, "check_in_opens_minutes": True},
        {**DISTRICT_RULES, "tenant_id": str(uuid.uuid4())},
        {key: value for key, value in DISTRICT_RULES.items() if key != "rounding"},
        [DISTRICT_RULES],
    ],
)
def test_bad_policy_input_writes_nothing(scheduling_client, committee, login, rules):
    admin = login("district_admin")
    response = scheduling_client.put("/v1/hour-policy", json=rules, headers=admin)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    assert policy_of(scheduling_client, admin)["source"] == "national_default"


def test_rounding_presets_are_explained_with_worked_examples(scheduling_client, committee, login):
    response = scheduling_client.get("/v1/rounding-presets", headers=login("volunteer"))
    assert response.status_code == 200, response.text
    presets = {preset["rounding"]: preset for preset in response.json()}
    assert set(presets) == {"chongqing", "half_hour", "quarter_hour_down", "exact"}
    chongqing = presets["chongqing"]
    assert chongqing["name"] == "重庆规则"
    for phrase in ("≤15分钟不计", "15–45分钟计0.5小时", "45–60分钟计1小时"):
        assert phrase in chongqing["description"]
    examples = {example["minutes"]: example["hours"] for example in chongqing["examples"]}
    assert {minutes: examples[minutes] for minutes in (15, 16, 45, 46, 60, 75)} == {
        15: 0,
        16: 0.5,
        45: 0.5,
        46: 1,
        60: 1,
        75: 1,
    }
    exact = {example["minutes"]: example["hours"] for example in presets["exact"]["examples"]}
    assert exact[16] == 0.26
    assert all(preset["description"] and preset["examples"] for preset in presets.values())
    assert scheduling_client.get("/v1/rounding-presets").status_code == 401
