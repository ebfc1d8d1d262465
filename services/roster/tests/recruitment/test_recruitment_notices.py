"""公示 for promotion to backbone: objections, rulings, withdrawal, and the job that makes notices effective."""

from datetime import timedelta

from linli_roster.protection import IdNumberCipher
from linli_roster.recruitment.tasks import apply_due_notices
from linli_shared.clock import shanghai_today

TODAY = shanghai_today()


def run(recruit, today):
    world = recruit.world
    cipher = IdNumberCipher(recruit.settings.id_number_keys)
    return apply_due_notices(recruit.database, world.committee.id, world.committee.path, today, cipher)


def test_notice_without_objections_takes_effect_once(recruit):
    staff, auditor = recruit.login("staff"), recruit.login("auditor")
    client = recruit.client
    volunteer = recruit.volunteer(staff, "骨干候选")
    notice = recruit.notice(staff, volunteer["id"])
    assert (notice["status"], notice["period_days"], notice["volunteer_name"]) == ("open", 7, "骨干候选")
    assert notice["starts_on"] == TODAY.isoformat()
    assert notice["ends_on"] == (TODAY + timedelta(days=6)).isoformat()
    duplicate = client.post("/v1/recruitment/notices", json={"volunteer_id": volunteer["id"]}, headers=staff)
    assert duplicate.status_code == 409
    assert duplicate.json()["type"].endswith("/notice-exists")

    assert run(recruit, TODAY + timedelta(days=6)) == 0, "the last day of the period is still in it"
    assert run(recruit, TODAY + timedelta(days=7)) == 1
    assert run(recruit, TODAY + timedelta(days=8)) == 0, "idempotent"

    after = client.get(f"/v1/recruitment/notices/{notice['id']}", headers=auditor).json()
    assert (after["status"], after["concluded_on"]) == ("effective", (TODAY + timedelta(days=7)).isoformat())
    promoted = client.get(f"/v1/volunteers/{volunteer['id']}", headers=staff).json()
    assert promoted["tier"] == "backbone"
    history = client.get(f"/v1/volunteers/{volunteer['id']}/history", headers=staff).json()
    assert [(item["change"], item["detail"], item["by_user"]) for item in history][-1] == (
        "tier_changed",
        "backbone",
        "task:apply_due_notices",
    )
    (tier_event,) = recruit.events_of("linli.roster.volunteer.tier_changed.v1")
    assert (tier_event["data"]["tier"], tier_event["data"]["previous_tier"]) == ("backbone", "volunteer")
    assert [event["data"]["status"] for event in recruit.events() if "promotion_notice" in event["type"]] == [
        "open",
        "effective",
    ]
    again = client.post("/v1/recruitment/notices", json={"volunteer_id": volunteer["id"]}, headers=staff)
    assert again.status_code == 409
    assert again.json()["type"].endswith("/not-promotable")


def test_objections_upheld_dismissed_and_pending(recruit):
    staff, admin = recruit.login("staff"), recruit.login("tenant_admin")
    client = recruit.client
    upheld_for = recruit.notice(staff, recruit.volunteer(staff, "甲")["id"], period_days=3)
    dismissed_for = recruit.notice(staff, recruit.volunteer(staff, "乙")["id"], period_days=3)
    waiting = recruit.notice(staff, recruit.volunteer(staff, "丙")["id"], period_days=3)

    def object_to(notice, text="多次缺席值班"):
        response = client.post(
            f"/v1/recruitment/notices/{notice['id']}/objections",
            json={"text": text, "from_whom": "5号楼居民"},
            headers=staff,
        )
        assert response.status_code == 201, response.text
        return response.json()["objections"][-1]

    def rule(notice, objection, status, who=admin):
        return client.post(
            f"/v1/recruitment/notices/{notice['id']}/objections/{objection['id']}/ruling",
            json={"status": status, "note": "经核实"},
            headers=who,
        )

    first, second, third = object_to(upheld_for), object_to(dismissed_for), object_to(waiting)
    assert first["status"] == "pending"
    assert first["recorded_by"]
    assert rule(upheld_for, first, "upheld", staff).status_code == 403, "only the tenant admin rules"
    assert rule(upheld_for, first, "pending").status_code == 422
    upheld = rule(upheld_for, first, "upheld")
    assert upheld.status_code == 200, upheld.text
    assert upheld.json()["status"] == "rejected"
    assert upheld.json()["objections"][0]["status"] == "upheld"
    assert rule(upheld_for, first, "dismissed").status_code == 409
    assert (
        client.post(
            f"/v1/recruitment/notices/{upheld_for['id']}/objections",
            json={"text": "晚了", "from_whom": "某人"},
            headers=staff,
        ).status_code
        == 409
    ), "objections only while the notice is open"
    dismissed = rule(dismissed_for, second, "dismissed")
    assert dismissed.json()["status"] == "open"
    assert rule(dismissed_for, second, "upheld").status_code == 409, "already ruled"

    assert run(recruit, TODAY + timedelta(days=3)) == 1, "the one with a pending objection waits"
    notices = {n["id"]: n for n in client.get("/v1/recruitment/notices", headers=staff).json()["items"]}
    assert notices[dismissed_for["id"]]["status"] == "effective"
    assert notices[waiting["id"]]["status"] == "open"
    assert rule(waiting, third, "dismissed").status_code == 200
    assert run(recruit, TODAY + timedelta(days=4)) == 1
    tiers = {
        item["name"]: item["tier"] for item in client.get("/v1/volunteers", headers=staff).json()["items"]
    }
    assert tiers == {"甲": "volunteer", "乙": "backbone", "丙": "backbone"}
    (rejected,) = recruit.events_of("linli.roster.promotion_notice.rejected.v1")
    assert rejected["data"]["notice_id"] == upheld_for["id"]
    assert rejected["subject"] == upheld_for["volunteer_id"]
    assert rejected["data"]["reason"] == "objection upheld: 经核实"
    assert len(recruit.events_of("linli.roster.promotion_notice.effective.v1")) == 2
    listed = client.get("/v1/recruitment/notices?status=rejected", headers=staff).json()["items"]
    assert [item["id"] for item in listed] == [upheld_for["id"]]
    by_person = client.get(
        f"/v1/recruitment/notices?volunteer_id={waiting['volunteer_id']}", headers=staff
    ).json()
    assert [item["id"] for item in by_person["items"]] == [waiting["id"]]


def test_withdrawal_and_exits(recruit):
    staff = recruit.login("staff")
    client = recruit.client
    withdrawn = recruit.notice(staff, recruit.volunteer(staff, "撤回")["id"], period_days=1)
    response = client.post(
        f"/v1/recruitment/notices/{withdrawn['id']}/withdraw", json={"reason": "本人暂不愿意"}, headers=staff
    )
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    assert (
        client.post(
            f"/v1/recruitment/notices/{withdrawn['id']}/withdraw", json={"reason": "再撤"}, headers=staff
        ).status_code
        == 409
    )
    leaving = recruit.volunteer(staff, "离开")
    notice = recruit.notice(staff, leaving["id"], period_days=30)
    assert notice["ends_on"] == (TODAY + timedelta(days=29)).isoformat()
    exited = client.post(
        f"/v1/volunteers/{leaving['id']}/exit", json={"kind": "voluntary", "reason": "搬家"}, headers=staff
    )
    assert exited.status_code == 200
    assert run(recruit, TODAY + timedelta(days=30)) == 1
    after = client.get(f"/v1/recruitment/notices/{notice['id']}", headers=staff).json()
    assert (after["status"], after["outcome_reason"]) == ("rejected", "the volunteer is no longer active")
    assert recruit.events_of("linli.roster.volunteer.tier_changed.v1") == []
    assert len(recruit.events_of("linli.roster.promotion_notice.withdrawn.v1")) == 1
    refused = client.post("/v1/recruitment/notices", json={"volunteer_id": leaving["id"]}, headers=staff)
    assert refused.status_code == 409, "an exited volunteer is not promoted"
    for period in (0, 31, "七"):
        response = client.post(
            "/v1/recruitment/notices",
            json={"volunteer_id": leaving["id"], "period_days": period},
            headers=staff,
        )
        assert response.status_code == 422, period


def test_deactivated_committee_is_left_alone(recruit):
    staff = recruit.login("staff")
    notice = recruit.notice(staff, recruit.volunteer(staff, "冻结")["id"], period_days=1)
    deactivated = recruit.client_identity.post(
        f"/v1/tenants/{recruit.world.committee.id}/deactivate",
        json={"reason": "合并"},
        headers=recruit.login("district_admin"),
    )
    assert deactivated.status_code == 200, deactivated.text
    recruit.sync()
    assert run(recruit, TODAY + timedelta(days=5)) == 0
    assert (
        recruit.client.get(
            f"/v1/recruitment/notices/{notice['id']}", headers=recruit.login("town_admin")
        ).json()["status"]
        == "open"
    )
