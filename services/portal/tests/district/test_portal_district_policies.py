"""District policies against scheduling and evaluation: each page shows the rule in force and whose it is,
and sets the district's own, which its committees then follow; a refusal (weights not summing to 1, a
rate out of range) shows the service's reasons on a 4xx page and changes nothing."""

import pytest

pytestmark = pytest.mark.integration


def test_hour_rules_with_rounding_presets_are_set_for_the_district(browse, world, services, login):
    admin = browse("district_admin")
    page = admin.get(f"/d/{world.district.slug}/policies/hours")
    assert page.status_code == 200, page.text
    assert "时长规则" in page.text
    assert "重庆规则" in page.text
    assert "计算示例" in page.text

    saved = admin.post(
        f"/d/{world.district.slug}/policies/hours",
        {
            "rounding": "chongqing",
            "excluded_kinds": ["training_session", "deliberation_meeting"],
            "late_entry_window_days": "10",
            "cancellation_cutoff_hours": "12",
            "check_in_opens_minutes": "20",
        },
    )
    assert saved.status_code == 303, saved.text
    held = services["scheduling"].client.get("/v1/hour-policy", headers=login("district_admin")).json()
    assert (held["rounding"], held["late_entry_window_days"], held["source"]) == ("chongqing", 10, "own")
    assert sorted(held["excluded_kinds"]) == ["deliberation_meeting", "training_session"]
    # the committee follows the district's rules now
    seen = services["scheduling"].client.get("/v1/hour-policy", headers=login("tenant_admin")).json()
    assert (seen["source"], seen["rounding"]) == ("district", "chongqing")
    assert "本级设置" in admin.get(f"/d/{world.district.slug}/policies/hours").text

    refused = admin.post(
        f"/d/{world.district.slug}/policies/hours",
        {
            "rounding": "exact",
            "late_entry_window_days": "999",
            "cancellation_cutoff_hours": "12",
            "check_in_opens_minutes": "20",
        },
    )
    assert refused.status_code == 422, refused.text
    assert "late_entry_window_days" in refused.text
    assert 'value="999"' in refused.text
    held = services["scheduling"].client.get("/v1/hour-policy", headers=login("district_admin")).json()
    assert held["rounding"] == "chongqing"


def test_star_thresholds_are_set_and_disorder_is_refused(browse, world, services, login):
    town_admin = browse("town_admin")
    path = f"/d/{world.town.slug}/policies/stars"
    assert "★★★★★" in town_admin.get(path).text

    refused = town_admin.post(
        path, {"thresholds": ["100", "300", "200", "1000", "1500"], "tenure_months": ["0"] * 5}
    )
    assert refused.status_code == 422, refused.text
    evaluation = services["evaluation"].client
    assert evaluation.get("/v1/star-policy", headers=login("town_admin")).json()["source"] != "own"

    saved = town_admin.post(
        path,
        {"thresholds": ["50", "150", "300", "600", "1000"], "tenure_months": ["0", "0", "6", "12", "12"]},
    )
    assert saved.status_code == 303, saved.text
    held = evaluation.get("/v1/star-policy", headers=login("town_admin")).json()
    assert (held["thresholds"], held["tenure_months"], held["source"]) == (
        [50, 150, 300, 600, 1000],
        [0, 0, 6, 12, 12],
        "own",
    )
    # the committee follows its town's thresholds now
    seen = evaluation.get("/v1/star-policy", headers=login("tenant_admin")).json()
    assert (seen["thresholds"], seen["source_tenant_id"]) == ([50, 150, 300, 600, 1000], str(world.town.id))


def test_audit_rate_is_given_in_per_cent(browse, world, services, login):
    admin = browse("district_admin")
    path = f"/d/{world.district.slug}/policies/audits"
    assert "随机抽查规则" in admin.get(path).text
    weights = {
        "late_entry": "2",
        "self_reported": "1.5",
        "auto_closed": "1",
        "long": "0.5",
        "frequent": "0.5",
    }

    refused = admin.post(path, {"percent": "150", "min_count": "3", **weights})
    assert refused.status_code == 422, refused.text
    evaluation = services["evaluation"].client
    assert evaluation.get("/v1/audit-policy", headers=login("district_admin")).json()["source"] != "own"

    saved = admin.post(path, {"percent": "3.3", "min_count": "4", **weights})
    assert saved.status_code == 303, saved.text
    held = evaluation.get("/v1/audit-policy", headers=login("district_admin")).json()
    assert (held["rate"], held["min_count"], held["source"]) == (0.033, 4, "own")
    assert held["risk_weights"]["self_reported"] == 1.5


def test_score_weights_must_sum_to_one(browse, world, services, login):
    admin = browse("district_admin")
    path = f"/d/{world.district.slug}/policies/scores"
    assert "评分权重" in admin.get(path).text
    evaluation = services["evaluation"].client
    before = evaluation.get("/v1/score-weights", headers=login("district_admin")).json()

    form = {"satisfaction": "0.2", "reliability": "0.2", "training": "0.1", "audits": "0.1"}
    form |= {"window_months": "12", "target_hours": "40"}
    refused = admin.post(path, {"hours": "0.3", **form})
    assert refused.status_code == 422, refused.text
    assert "sum to 1" in refused.text
    assert 'value="0.3"' in refused.text
    assert evaluation.get("/v1/score-weights", headers=login("district_admin")).json() == before

    saved = admin.post(path, {"hours": "0.4", **form})
    assert saved.status_code == 303, saved.text
    held = evaluation.get("/v1/score-weights", headers=login("district_admin")).json()
    assert (held["weights"]["hours"], held["source"]) == (0.4, "own")


def test_award_programmes_defined_edited_with_their_version(browse, world, services, login):
    admin = browse("district_admin")
    path = f"/d/{world.district.slug}/awards"
    assert "评优项目" in admin.get(path).text
    evaluation = services["evaluation"].client
    form = {
        "name": "最美志愿者",
        "description": "年度评选",
        "period_kind": "year",
        "max_nominees": "2",
        "notice_days": "7",
        "min_verified_hours": "40",
        "min_stars": "1",
        "min_average_satisfaction": "",
        "min_ratings": "0",
        "require_no_rejected_audit": "true",
    }

    refused = admin.post(path, {**form, "max_nominees": "0"})
    assert refused.status_code == 422, refused.text
    assert evaluation.get("/v1/award-programmes", headers=login("district_admin")).json() == []

    defined = admin.post(path, form)
    assert defined.status_code == 303, defined.text
    [programme] = evaluation.get("/v1/award-programmes", headers=login("district_admin")).json()
    assert (programme["name"], programme["owner"], programme["version"]) == ("最美志愿者", "own", 1)
    assert programme["criteria"]["min_verified_hours"] == 40
    assert programme["criteria"]["require_no_rejected_audit"] is True
    assert defined.headers["location"] == f"{path}/{programme['id']}"

    edit = {**form, "version": "1", "max_nominees": "3", "min_average_satisfaction": "4.5", "active": "true"}
    del edit["period_kind"]
    assert admin.post(f"{path}/{programme['id']}", edit).status_code == 303
    changed = evaluation.get(
        f"/v1/award-programmes/{programme['id']}", headers=login("district_admin")
    ).json()
    assert (changed["version"], changed["max_nominees"]) == (2, 3)
    assert changed["criteria"]["min_average_satisfaction"] == 4.5

    stale = admin.post(f"{path}/{programme['id']}", {**edit, "max_nominees": "5"})  # still version 1
    assert stale.status_code == 409, stale.text
    again = evaluation.get(f"/v1/award-programmes/{programme['id']}", headers=login("district_admin")).json()
    assert again["max_nominees"] == 3

    # a town sees the district's programme but may not change it
    town_page = browse("town_admin").get(f"/d/{world.town.slug}/awards/{programme['id']}")
    assert town_page.status_code == 200
    assert "由上级设立" in town_page.text
