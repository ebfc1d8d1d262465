"""A volunteer's profile: facts, stacked roles, tier, exit and re-joining, history, qualifications, honours,
hours, and giving them a login; read-only for auditors, and nobody else's."""

import re
from datetime import date

import pytest

pytestmark = pytest.mark.integration


def register(services, login, who="tenant_admin", name="王芳", phone="13800001234"):
    body = {"name": name, "phone": phone, "joined_on": "2024-03-01", "channel": "self_recommended"}
    made = services["roster"].client.post("/v1/volunteers", json=body, headers=login(who))
    assert made.status_code == 201, made.text
    return made.json()


def roster(services, login, volunteer_id):
    found = services["roster"].client.get(f"/v1/volunteers/{volunteer_id}", headers=login("tenant_admin"))
    assert found.status_code == 200, found.text
    return found.json()


def building(services, login, name="3号楼"):
    """A building of the committee (under a micro-grid, under a grid, as the roster requires)."""
    parent = None
    for kind, area_name in (("grid", "一网格"), ("micro_grid", "一微格"), ("building", name)):
        made = services["roster"].client.post(
            "/v1/areas",
            json={"kind": kind, "name": area_name, "parent_id": parent},
            headers=login("tenant_admin"),
        )
        assert made.status_code == 201, made.text
        parent = made.json()["id"]
    return made.json()


def test_the_profile_shows_facts_history_and_hours(browse, world, services, login, settle):
    volunteer = register(services, login)
    settle()  # evaluation hears of the volunteer
    page = browse("tenant_admin").get(f"/t/{world.committee.slug}/volunteers/{volunteer['id']}")
    assert page.status_code == 200, page.text
    for shown in (
        "王芳",
        "基本信息",
        "个人自荐",
        "履历",
        "登记入册",
        "服务时长与星级",
        "暂无资质",
        "暂无荣誉",
    ):
        assert shown in page.text
    assert "开通登录" in page.text
    assert "调整层级" in page.text


def test_the_profile_shows_hours_and_the_month_they_were_served(
    browse, world, services, login, settle, serve_shift
):
    volunteer = register(services, login)
    settle()  # scheduling and evaluation hear of the volunteer
    serve_shift(volunteer["id"], date(2026, 11, 16))  # 09:00–11:00 (Shanghai), the leader's record
    settle()  # evaluation tallies the record

    page = browse("tenant_admin").get(f"/t/{world.committee.slug}/volunteers/{volunteer['id']}")
    assert page.status_code == 200, page.text
    hours = page.text.split("服务时长与星级")[1].split("</section>")[0]
    assert "2026-11" in hours
    assert '<td class="num">2</td>' in hours  # two hours served
    assert "暂无服务记录" not in hours


def test_roles_stack_with_a_scope_and_a_term_and_end(browse, world, services, login):
    volunteer = register(services, login)
    home = building(services, login)
    admin = browse("tenant_admin")
    here = f"/t/{world.committee.slug}/volunteers/{volunteer['id']}"

    first = admin.post(
        f"{here}/roles",
        data={
            "role": "building_group_leader",
            "area_id": home["id"],
            "starts_on": "2024-04-01",
            "ends_on": "",
        },
    )
    assert first.status_code == 303
    assert first.headers["location"] == here
    second = admin.post(
        f"{here}/roles",
        data={
            "role": "mediator",
            "scope_note": "调解工作室",
            "starts_on": "2024-04-01",
            "ends_on": "2026-12-31",
        },
    )
    assert second.status_code == 303
    roles = {role["role"]: role for role in roster(services, login, volunteer["id"])["roles"]}
    assert roles["building_group_leader"]["area_id"] == home["id"]
    assert roles["mediator"]["scope_note"] == "调解工作室"
    assert roles["mediator"]["ends_on"] == "2026-12-31"
    page = admin.get(here)
    assert "职务已添加" in page.text
    assert "楼组长" in page.text
    assert "调解员" in page.text
    assert "3号楼" in page.text

    mediator = roles["mediator"]["id"]
    ended = admin.post(f"{here}/roles/{mediator}/end", data={"ends_on": "2025-01-31", "reason": "换届"})
    assert ended.status_code == 303
    roles = {role["role"]: role for role in roster(services, login, volunteer["id"])["roles"]}
    assert roles["mediator"]["ended_reason"] == "换届"
    assert roles["mediator"]["ends_on"] == "2025-01-31"
    assert roles["building_group_leader"]["ended_reason"] is None


def test_a_role_without_its_area_shows_the_roster_refusal_on_the_profile(browse, world, services, login):
    volunteer = register(services, login)
    admin = browse("tenant_admin")
    here = f"/t/{world.committee.slug}/volunteers/{volunteer['id']}"
    refused = admin.post(f"{here}/roles", data={"role": "micro_grid_leader", "starts_on": "2024-04-01"})
    assert refused.status_code == 422, refused.text
    assert "form-error" in refused.text
    assert "王芳" in refused.text
    assert roster(services, login, volunteer["id"])["roles"] == []
    garbage = admin.post(f"{here}/roles", data={"role": "emperor", "starts_on": "yesterday"})
    assert garbage.status_code == 422
    assert roster(services, login, volunteer["id"])["roles"] == []


def test_tier_changes_and_exit_then_rejoin(browse, world, services, login):
    volunteer = register(services, login)
    admin = browse("tenant_admin")
    here = f"/t/{world.committee.slug}/volunteers/{volunteer['id']}"

    promoted = admin.post(f"{here}/tier", data={"tier": "backbone", "reason": "服务满一年"})
    assert promoted.status_code == 303, promoted.text
    assert roster(services, login, volunteer["id"])["tier"] == "backbone"
    again = admin.post(f"{here}/tier", data={"tier": "backbone", "reason": "再来"})
    assert again.status_code == 409
    assert "form-error" in again.text
    no_reason = admin.post(f"{here}/tier", data={"tier": "reserve", "reason": ""})
    assert no_reason.status_code == 422
    assert roster(services, login, volunteer["id"])["tier"] == "backbone"

    left = admin.post(f"{here}/exit", data={"kind": "voluntary", "reason": "搬家"})
    assert left.status_code == 303
    assert roster(services, login, volunteer["id"])["status"] == "exited"
    page = admin.get(here)
    assert "重新加入" in page.text
    assert "登记退出" not in page.text
    assert "自愿退出" in page.text
    back = admin.post(f"{here}/rejoin", data={"reason": "搬回来了"})
    assert back.status_code == 303
    assert roster(services, login, volunteer["id"])["status"] == "active"
    assert "层级调整" in admin.get(here).text


def test_giving_a_login_shows_the_one_time_link_and_its_qr_code(browse, world, services, login):
    volunteer = register(services, login)
    admin = browse("tenant_admin")
    page = admin.post(f"/t/{world.committee.slug}/volunteers/{volunteer['id']}/login-invitation")
    assert page.status_code == 200, page.text
    assert "<svg" in page.text
    assert 'class="qr"' in page.text
    assert "为王芳开通登录" in page.text
    assert re.search(r'<a href="([^"]+token=[^"]+)"[^>]*>\1</a>', page.text), "the link, to copy or forward"


def test_an_auditor_reads_the_profile_but_changes_nothing(browse, world, services, login):
    volunteer = register(services, login)
    auditor = browse("auditor")
    here = f"/t/{world.committee.slug}/volunteers/{volunteer['id']}"
    page = auditor.get(here)
    assert page.status_code == 200
    assert "王芳" in page.text
    assert "调整层级" not in page.text
    assert "开通登录" not in page.text
    assert "添加职务" not in page.text
    assert auditor.post(f"{here}/tier", data={"tier": "backbone", "reason": "试试"}).status_code == 403
    assert auditor.post(f"{here}/exit", data={"kind": "voluntary", "reason": "试试"}).status_code == 403
    assert auditor.post(f"{here}/login-invitation").status_code == 403
    after = roster(services, login, volunteer["id"])
    assert after["tier"] == "volunteer"
    assert after["status"] == "active"


def test_another_committees_volunteer_is_not_found(browse, world, services, login):
    ours = register(services, login)
    theirs = register(services, login, who="sibling_admin", name="外人", phone="13900009999")
    admin = browse("tenant_admin")
    base = f"/t/{world.committee.slug}/volunteers"
    assert admin.get(f"{base}/{theirs['id']}").status_code == 404
    tried = admin.post(f"{base}/{theirs['id']}/tier", data={"tier": "backbone", "reason": "越权"})
    assert tried.status_code == 404
    assert admin.post(f"{base}/{theirs['id']}/login-invitation").status_code == 404
    assert admin.get(f"{base}/not-an-id").status_code == 404
    assert browse("sibling_admin").get(f"{base}/{ours['id']}").status_code == 404
    theirs_now = services["roster"].client.get(
        f"/v1/volunteers/{theirs['id']}", headers=login("sibling_admin")
    )
    assert theirs_now.json()["tier"] == "volunteer"
