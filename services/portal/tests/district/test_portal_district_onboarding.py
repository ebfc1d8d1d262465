"""Onboarding from the district portal against identity: a town or committee added under the admin's own
subtree, its admin invited by a one-time link (with a QR code) that opens the portal's acceptance page,
renaming and deactivating; bad input and another town's nodes change nothing."""

import re

import pytest

pytestmark = pytest.mark.integration


def tenants(client, headers, include_inactive=True) -> list[dict]:
    found = client.get("/v1/tenants", params={"include_inactive": include_inactive}, headers=headers)
    assert found.status_code == 200, found.text
    return found.json()


def test_a_district_admin_onboards_a_committee_and_invites_its_admin(browse, world, client, login):
    admin = browse("district_admin")
    listing = admin.get(f"/d/{world.district.slug}/committees")
    assert listing.status_code == 200, listing.text
    assert "开通镇或居民区" in listing.text
    assert "甲居民区" in listing.text
    assert "丙居民区" in listing.text

    added = admin.post(
        f"/d/{world.district.slug}/committees",
        {"parent_id": str(world.town.id), "name": "丁居民区", "short_name": f"ding-{world.town.slug}"},
    )
    assert added.status_code == 303, added.text
    [made] = [node for node in tenants(client, login("district_admin")) if node["name"] == "丁居民区"]
    assert (made["kind"], made["parent_id"]) == ("committee", str(world.town.id))
    assert added.headers["location"] == f"/d/{world.district.slug}/committees/{made['id']}"

    page = admin.get(added.headers["location"])
    assert page.status_code == 200
    assert "邀请管理员" in page.text

    invited = admin.post(
        f"/d/{world.district.slug}/committees/{made['id']}/invitations",
        {"display_name": "丁主任", "email": f"ding.{world.town.slug}@test.linli.cn"},
    )
    assert invited.status_code == 201, invited.text
    link = re.search(r'value="(https://portal\.test/invitations/accept\?token=[^"]+)"', invited.text)
    assert link, "the one-time link opens the portal's acceptance page"
    assert "<svg" in invited.text
    assert "仅显示这一次" in invited.text

    held = client.get(f"/v1/tenants/{made['id']}/invitations", headers=login("district_admin")).json()
    assert [(i["role"], i["status"], i["display_name"]) for i in held] == [
        ("tenant_admin", "pending", "丁主任")
    ]

    # the link works: the invited admin sets a password on the portal's page and lands in their committee
    token = link.group(1).split("token=")[1]
    accepted = client.post(
        "/v1/invitations/accept", json={"token": token, "password": "a long good password"}
    )
    assert accepted.status_code == 200, accepted.text


def test_a_town_is_invited_a_town_admin(browse, world, client, login):
    admin = browse("district_admin")
    added = admin.post(
        f"/d/{world.district.slug}/committees",
        {"parent_id": str(world.district.id), "name": "三号镇", "short_name": f"san-{world.district.slug}"},
    )
    assert added.status_code == 303, added.text
    town_id = added.headers["location"].rsplit("/", 1)[1]
    no_email = admin.post(
        f"/d/{world.district.slug}/committees/{town_id}/invitations",
        {"display_name": "三镇长", "email": "not an address"},
    )
    assert no_email.status_code == 422, no_email.text
    assert 'class="form-error"' in no_email.text
    assert client.get(f"/v1/tenants/{town_id}/invitations", headers=login("district_admin")).json() == []

    invited = admin.post(
        f"/d/{world.district.slug}/committees/{town_id}/invitations",
        {"display_name": "三镇长", "email": f"san.{world.district.slug}@test.linli.cn"},
    )
    assert invited.status_code == 201, invited.text
    held = client.get(f"/v1/tenants/{town_id}/invitations", headers=login("district_admin")).json()
    assert [i["role"] for i in held] == ["town_admin"]


@pytest.mark.parametrize(
    "form",
    [
        {"name": "坏居民区", "short_name": "Bad Slug!"},
        {"name": "", "short_name": "fine-slug-but-no-name"},
    ],
)
def test_bad_input_adds_nothing(browse, world, client, login, form):
    before = tenants(client, login("district_admin"))
    answer = browse("district_admin").post(
        f"/d/{world.district.slug}/committees", {"parent_id": str(world.town.id), **form}
    )
    assert 400 <= answer.status_code < 500, answer.text
    assert tenants(client, login("district_admin")) == before


def test_a_taken_short_name_is_refused_on_the_form(browse, world, client, login):
    before = tenants(client, login("district_admin"))
    answer = browse("district_admin").post(
        f"/d/{world.district.slug}/committees",
        {"parent_id": str(world.town.id), "name": "重名居民区", "short_name": world.committee.slug},
    )
    assert answer.status_code == 409, answer.text
    assert 'class="form-error"' in answer.text
    assert 'value="重名居民区"' in answer.text
    assert tenants(client, login("district_admin")) == before


def test_a_town_admin_cannot_add_to_another_town_or_open_its_committees(browse, world, client, login):
    town_admin = browse("town_admin")
    listing = town_admin.get(f"/d/{world.town.slug}/committees")
    assert listing.status_code == 200
    assert "甲居民区" in listing.text
    assert "丙居民区" not in listing.text
    assert "二号镇" not in listing.text

    before = tenants(client, login("district_admin"))
    refused = town_admin.post(
        f"/d/{world.town.slug}/committees",
        {"parent_id": str(world.other_town.id), "name": "越界居民区", "short_name": f"x-{world.town.slug}"},
    )
    assert refused.status_code == 404
    assert tenants(client, login("district_admin")) == before

    assert town_admin.get(f"/d/{world.town.slug}/committees/{world.far_committee.id}").status_code == 404
    invite = town_admin.post(
        f"/d/{world.town.slug}/committees/{world.far_committee.id}/invitations",
        {"display_name": "越界", "email": f"x.{world.town.slug}@test.linli.cn"},
    )
    assert invite.status_code == 404
    assert (
        client.get(
            f"/v1/tenants/{world.far_committee.id}/invitations", headers=login("district_admin")
        ).json()
        == []
    )


def test_rename_and_deactivate_with_a_reason(browse, world, client, login):
    town_admin = browse("town_admin")
    base = f"/d/{world.town.slug}/committees/{world.sibling.id}"
    renamed = town_admin.post(f"{base}/rename", {"name": "乙居民区（新）"})
    assert renamed.status_code == 303, renamed.text

    no_reason = town_admin.post(f"{base}/deactivate", {"reason": "   "})
    assert no_reason.status_code == 422, no_reason.text
    node = client.get(f"/v1/tenants/{world.sibling.id}", headers=login("district_admin")).json()
    assert (node["name"], node["active"]) == ("乙居民区（新）", True)

    page = town_admin.get(base)
    assert "data-confirm" in page.text
    gone = town_admin.post(f"{base}/deactivate", {"reason": "并入甲居民区"})
    assert gone.status_code == 303, gone.text
    node = client.get(f"/v1/tenants/{world.sibling.id}", headers=login("district_admin")).json()
    assert (node["active"], node["deactivation_reason"]) == (False, "并入甲居民区")
