"""The district's and town's roll-out page against the real services: staff onboarded (identity's
memberships), volunteers on the register and a first service (evaluation's roll-up, fed by the roster and
scheduling over Kafka); and each admin sees only their own subtree."""

import re
from datetime import timedelta

import pytest

from linli_shared.clock import local_date

pytestmark = pytest.mark.integration


def rollout_row(page, tenant) -> str:
    found = re.search(rf'<tr id="rollout-{tenant.id}">(.*?)</tr>', page.text, re.S)
    assert found, f"no roll-out row for {tenant.name}"
    return found.group(1)


def serve_once(world, login, services, settle, clock) -> None:
    """A volunteer registered in the committee, and one service of theirs recorded (a late entry a second
    person approved): the cheapest real way to a service record."""
    admin, staff = login("tenant_admin"), login("staff")
    yesterday = local_date(clock.now()) - timedelta(days=1)
    registered = services["roster"].client.post(
        "/v1/volunteers",
        json={"name": "王阿姨", "phone": "13900001111", "joined_on": "2025-01-01", "channel": "imported"},
        headers=admin,
    )
    assert registered.status_code == 201, registered.text
    settle()
    scheduling = services["scheduling"].client
    planned = scheduling.post(
        "/v1/activities",
        json={
            "name": "楼道清洁",
            "kind": "service",
            "first_starts_at": f"{yesterday.isoformat()}T09:00:00+08:00",
            "duration_minutes": 120,
            "capacity": 5,
            "place": "3号楼",
        },
        headers=admin,
    )
    assert planned.status_code == 201, planned.text
    filed = scheduling.post(
        "/v1/late-entries",
        json={
            "volunteer_id": registered.json()["id"],
            "activity_id": planned.json()["id"],
            "started_at": f"{yesterday.isoformat()}T09:00:00+08:00",
            "ended_at": f"{yesterday.isoformat()}T11:00:00+08:00",
            "reason": "忘记签到",
        },
        headers=staff,
    )
    assert filed.status_code == 201, filed.text
    approved = scheduling.post(
        f"/v1/late-entries/{filed.json()['id']}/decision", json={"approve": True}, headers=admin
    )
    assert approved.status_code == 200, approved.text
    settle()


def test_rollout_shows_each_committee_as_far_as_it_has_come(browse, world, login, services, settle, clock):
    serve_once(world, login, services, settle, clock)

    page = browse("district_admin").get(f"/d/{world.district.slug}/")
    assert page.status_code == 200, page.text
    assert "推进情况" in page.text
    assert "已开展首次服务" in page.text

    # the committee: admin and staff signed up, a volunteer imported, a first service recorded
    committee = rollout_row(page, world.committee)
    assert committee.count("badge ok") == 3
    assert "甲居民区" in committee
    assert "一号镇" in committee
    # the sibling has its admin and nothing else; the far committee has nobody yet
    assert rollout_row(page, world.sibling).count("badge ok") == 1
    assert rollout_row(page, world.far_committee).count("badge ok") == 0
    assert re.search(r'<span class="value">2 / 3</span>', page.text), "two of three committees onboarded"


def test_a_town_admin_sees_its_own_committees_only(browse, world):
    page = browse("town_admin").get(f"/d/{world.town.slug}/")
    assert page.status_code == 200, page.text
    assert "甲居民区" in page.text
    assert "乙居民区" in page.text
    assert "丙居民区" not in page.text
    assert f"rollout-{world.far_committee.id}" not in page.text


@pytest.mark.parametrize(
    ("who", "node"),
    [("other_town_admin", "town"), ("tenant_admin", "district"), ("town_admin", "district")],
)
def test_another_nodes_portal_does_not_exist_for_you(browse, world, who, node):
    page = browse(who).get(f"/d/{getattr(world, node).slug}/")
    assert page.status_code == 404


def test_a_committee_portal_user_has_no_district_pages(browse, world):
    staff = browse("staff")
    for path in ("/", "/committees", "/reports", "/policies/hours", "/awards"):
        assert staff.get(f"/d/{world.committee.slug}{path}").status_code == 404
