"""The admin audit log: every admin action, newest first, keyset-paged, subtree-scoped, append-only."""

import base64
import json
import uuid

import pytest
from psycopg import errors as pg_errors
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError

from linli_identity.seed import PLATFORM
from linli_shared.problems import PROBLEM_JSON
from linli_shared.testing import unique_slug


def page(client, headers, **params):
    response = client.get("/v1/audit-log", headers=headers, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def every_entry(client, headers, limit, **params):
    """Follow `next_cursor` to the end; return the pages."""
    pages, cursor = [], None
    while True:
        extra = {"before": cursor} if cursor else {}
        current = page(client, headers, limit=limit, **params, **extra)
        pages.append(current["items"])
        cursor = current["next_cursor"]
        if cursor is None:
            return pages


def cursor_of(raw):
    """A cursor with the parts of `raw` (split at "|") in the cursor encoding the service uses."""
    return base64.urlsafe_b64encode(json.dumps(raw.split("|")).encode()).decode()


def test_admin_actions_are_recorded_newest_first(client, world, login):
    district = login("district_admin")
    created = client.post(
        "/v1/tenants",
        headers=district,
        json={"parent_id": str(world.district.id), "name": "审计镇", "slug": unique_slug("a")},
    )
    assert created.status_code == 201
    admin = login("tenant_admin")
    invited = client.post(
        f"/v1/tenants/{world.committee.id}/invitations",
        headers=admin,
        json={
            "email": f"audited-{uuid.uuid4().hex[:8]}@test.linli.cn",
            "display_name": "新人",
            "role": "staff",
        },
    )
    assert invited.status_code == 201
    members = client.get(f"/v1/tenants/{world.committee.id}/memberships", headers=admin).json()
    volunteer = next(m for m in members if m["email"] == world.email("volunteer"))
    assert client.post(f"/v1/memberships/{volunteer['id']}/revoke", headers=admin).status_code == 200

    items = page(client, district, limit=3)["items"]
    assert [item["action"] for item in items] == [
        "membership.revoked",
        "invitation.created",
        "tenant.created",
    ]
    revoked, invitation, tenant = items
    assert revoked["target_id"] == volunteer["id"]
    assert revoked["tenant_id"] == str(world.committee.id)
    assert revoked["actor_role"] == "tenant_admin"
    assert invitation["target_id"] == invited.json()["id"]
    assert invitation["details"]["role"] == "staff"
    assert tenant["target_id"] == created.json()["id"]
    assert tenant["actor_role"] == "district_admin"
    assert tenant["actor"] == client.get("/v1/me", headers=district).json()["user_id"]
    assert items[0]["occurred_at"] >= items[1]["occurred_at"] >= items[2]["occurred_at"]


def test_pages_are_disjoint_and_cover_everything(client, world, login):
    headers = login("town_admin")
    for name in ("一", "二", "三", "四", "五"):
        renamed = client.patch(f"/v1/tenants/{world.sibling.id}", headers=headers, json={"name": f"乙{name}"})
        assert renamed.status_code == 200

    pages = every_entry(client, headers, limit=2, action="tenant.renamed", tenant_id=str(world.sibling.id))
    assert [len(items) for items in pages] == [2, 2, 1]
    names = [item["details"]["name"] for items in pages for item in items]
    assert names == ["乙五", "乙四", "乙三", "乙二", "乙一"]
    ids = [item["id"] for items in pages for item in items]
    assert len(set(ids)) == len(ids)


def test_entries_written_in_one_transaction_page_by_id(client, world, login):
    """A deactivated town writes one entry per node, all with the same timestamp: the cursor's id breaks ties."""
    headers = login("district_admin")
    response = client.post(f"/v1/tenants/{world.town.id}/deactivate", headers=headers, json={"reason": "并"})
    assert response.status_code == 200

    pages = every_entry(client, headers, limit=1, action="tenant.deactivated")
    targets = [items[0]["target_id"] for items in pages if items]
    assert sorted(targets) == sorted(str(node.id) for node in (world.town, world.committee, world.sibling))
    assert len({items[0]["occurred_at"] for items in pages if items}) == 1


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64 at all!",
        cursor_of("no separator"),
        cursor_of("yesterday|5"),
        cursor_of("2026-01-01T00:00:00+00:00|five"),
        cursor_of("2026-01-01T00:00:00+00:00|5|6"),
        cursor_of("2026-01-01T00:00:00|5"),
        cursor_of("2026-01-01T00:00:00+00:00|99999999999999999999"),
        cursor_of("2026-01-01T00:00:00+00:00|-5"),
        base64.urlsafe_b64encode(b"\xff\xfe|1").decode(),
    ],
)
def test_a_bad_cursor_is_a_validation_problem(client, world, login, cursor):
    response = client.get("/v1/audit-log", headers=login("district_admin"), params={"before": cursor})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["status"] == 422


@pytest.mark.parametrize(
    "raw", ["2026-W01-1T00:00:00+00:00|5", "20260101T000000Z|5", "2026-01-01 08:00+08:00|1"]
)
def test_any_iso_timestamp_python_reads_is_a_usable_cursor(client, world, login, raw):
    response = client.get("/v1/audit-log", headers=login("district_admin"), params={"before": cursor_of(raw)})
    assert response.status_code == 200, response.text


def test_town_admin_sees_only_its_subtrees_entries(client, world, login):
    town = [item for items in every_entry(client, login("town_admin"), limit=200) for item in items]
    assert {item["tenant_id"] for item in town} == {
        str(n.id) for n in (world.town, world.committee, world.sibling)
    }

    other = [item for items in every_entry(client, login("other_town_admin"), limit=200) for item in items]
    assert {item["tenant_id"] for item in other} == {str(world.other_town.id), str(world.far_committee.id)}


def test_filtering_by_a_foreign_tenant_returns_nothing(client, world, login):
    headers = login("town_admin")
    assert page(client, headers, tenant_id=str(world.far_committee.id))["items"] == []
    assert page(client, headers, tenant_id=str(world.district.id))["items"] == []
    assert page(client, login("tenant_admin"), tenant_id=str(world.sibling.id))["items"] == []


@pytest.mark.parametrize("role", ["staff", "auditor", "volunteer"])
def test_only_admins_read_the_audit_log(client, world, login, role):
    assert client.get("/v1/audit-log", headers=login(role)).status_code == 403


@pytest.mark.parametrize(
    "statement",
    [
        "update audit_log set action = 'nothing.happened' where tenant_id = :tenant",
        "update audit_log set details = '{}' where tenant_id = :tenant",
        "update audit_log set occurred_at = now() - interval '1 year' where tenant_id = :tenant",
        "delete from audit_log where tenant_id = :tenant",
        "truncate audit_log",
    ],
)
def test_the_application_role_cannot_rewrite_history(identity_database, world, statement):
    with pytest.raises(ProgrammingError) as refused, identity_database.transaction(PLATFORM) as session:
        session.execute(text(statement), {"tenant": world.committee.id})
    assert isinstance(refused.value.orig, pg_errors.InsufficientPrivilege)

    with identity_database.transaction(PLATFORM) as session:
        actions = session.execute(
            text("select action from audit_log where tenant_id = :tenant"), {"tenant": world.committee.id}
        ).scalars()
        assert list(actions) == ["tenant.created"]
