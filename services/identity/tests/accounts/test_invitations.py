"""Invitations: one-time, expiring links; who may invite whom, where; accepting them."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, update

from linli_identity.accounts.models import Invitation
from linli_identity.seed import PLATFORM
from linli_shared.problems import PROBLEM_JSON

NEW_PASSWORD = "a brand new password"


def new_email(prefix="invitee"):
    return f"{prefix}-{uuid.uuid4().hex[:10]}@test.linli.cn"


def invite(client, headers, tenant_id, role="staff", email=None, display_name="新同事"):
    body = {"email": email or new_email(), "display_name": display_name, "role": role}
    return client.post(f"/v1/tenants/{tenant_id}/invitations", headers=headers, json=body)


def accept(client, token, password=NEW_PASSWORD, **extra):
    return client.post("/v1/invitations/accept", json={"token": token, "password": password, **extra})


def problem_type(response):
    assert response.headers["content-type"] == PROBLEM_JSON
    return response.json()["type"].rsplit("/", 1)[-1]


def statuses(client, headers, tenant_id):
    response = client.get(f"/v1/tenants/{tenant_id}/invitations", headers=headers)
    assert response.status_code == 200, response.text
    return {item["id"]: item["status"] for item in response.json()}


def test_invited_staff_accepts_and_logs_in(client, world, login):
    admin = login("tenant_admin")
    email = new_email("staff")
    issued = invite(client, admin, world.committee.id, email=email.upper(), display_name="陈 社工")
    assert issued.status_code == 201, issued.text
    body = issued.json()
    assert body["status"] == "pending"
    assert body["email"] == email
    assert body["role"] == "staff"
    assert body["url"].endswith(body["token"])

    accepted = accept(client, body["token"])
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["role"] == "staff"
    assert accepted.json()["tenant_id"] == str(world.committee.id)

    logged_in = client.post("/v1/auth/login", json={"email": email, "password": NEW_PASSWORD})
    assert logged_in.status_code == 200, logged_in.text
    me = client.get("/v1/me", headers={"Authorization": f"Bearer {logged_in.json()['access_token']}"}).json()
    assert me["email"] == email
    assert me["display_name"] == "陈 社工"
    assert me["role"] == "staff"

    assert statuses(client, admin, world.committee.id) == {body["id"]: "accepted"}
    members = client.get(f"/v1/tenants/{world.committee.id}/memberships", headers=admin).json()
    assert {"email": email, "role": "staff"} in [{"email": m["email"], "role": m["role"]} for m in members]


def test_the_link_is_returned_once_and_never_listed(client, world, login):
    admin = login("tenant_admin")
    issued = invite(client, admin, world.committee.id).json()
    listed = client.get(f"/v1/tenants/{world.committee.id}/invitations", headers=admin).json()
    assert "token" not in listed[0]
    assert issued["token"] not in str(listed)


def test_an_expired_invitation_cannot_be_used(client, world, login, identity_database):
    admin = login("tenant_admin")
    issued = invite(client, admin, world.committee.id).json()
    with identity_database.transaction(PLATFORM) as session:
        session.execute(
            update(Invitation)
            .where(Invitation.id == uuid.UUID(issued["id"]))
            .values(expires_at=func.now() - timedelta(minutes=1))
        )

    response = accept(client, issued["token"])
    assert response.status_code == 409
    assert problem_type(response) == "invitation-not-usable"
    assert statuses(client, admin, world.committee.id) == {issued["id"]: "expired"}
    revoke = client.post(f"/v1/tenants/{world.committee.id}/invitations/{issued['id']}/revoke", headers=admin)
    assert revoke.status_code == 409


def test_an_invitation_works_once(client, world, login):
    token = invite(client, login("tenant_admin"), world.committee.id).json()["token"]
    assert accept(client, token).status_code == 200
    again = accept(client, token, password="another password 2")
    assert again.status_code == 409
    assert problem_type(again) == "invitation-not-usable"


def test_an_unknown_token_is_not_found(client):
    response = accept(client, "x" * 43)
    assert response.status_code == 404
    assert problem_type(response) == "invitation-not-found"


def test_a_revoked_invitation_cannot_be_used(client, world, login):
    admin = login("tenant_admin")
    issued = invite(client, admin, world.committee.id).json()
    path = f"/v1/tenants/{world.committee.id}/invitations/{issued['id']}/revoke"

    revoked = client.post(path, headers=admin)
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["status"] == "revoked"
    assert accept(client, issued["token"]).status_code == 409
    assert client.post(path, headers=admin).status_code == 409


def test_inviting_again_replaces_the_pending_link(client, world, login):
    admin = login("tenant_admin")
    email = new_email()
    first = invite(client, admin, world.committee.id, email=email).json()
    second = invite(client, admin, world.committee.id, email=email).json()
    assert statuses(client, admin, world.committee.id) == {first["id"]: "revoked", second["id"]: "pending"}
    assert accept(client, first["token"]).status_code == 409
    assert accept(client, second["token"]).status_code == 200


def test_staff_may_invite_volunteers_only(client, world, login):
    staff = login("staff")
    assert invite(client, staff, world.committee.id, role="volunteer").status_code == 201
    for role in ("staff", "auditor", "tenant_admin"):
        response = invite(client, staff, world.committee.id, role=role)
        assert response.status_code == 403, role
        assert problem_type(response) == "role-not-invitable"


@pytest.mark.parametrize(
    ("inviter", "node", "role"),
    [
        ("district_admin", "town", "tenant_admin"),
        ("district_admin", "committee", "town_admin"),
        ("district_admin", "committee", "district_admin"),
        ("town_admin", "town", "staff"),
    ],
)
def test_the_role_must_be_held_at_that_kind_of_node(client, world, login, inviter, node, role):
    response = invite(client, login(inviter), getattr(world, node).id, role=role)
    assert response.status_code == 422
    assert problem_type(response) == "role-not-at-this-node"


@pytest.mark.parametrize(
    ("inviter", "node", "role"),
    [
        ("tenant_admin", "committee", "town_admin"),
        ("tenant_admin", "committee", "district_admin"),
        ("town_admin", "town", "district_admin"),
        ("district_admin", "district", "platform"),
        ("district_admin", "district", "service"),
    ],
)
def test_nobody_invites_a_role_above_their_own(client, world, login, inviter, node, role):
    response = invite(client, login(inviter), getattr(world, node).id, role=role)
    assert response.status_code == 403
    assert problem_type(response) == "role-not-invitable"


@pytest.mark.parametrize("role", ["auditor", "volunteer"])
def test_auditors_and_volunteers_invite_nobody(client, world, login, role):
    response = invite(client, login(role), world.committee.id, role="volunteer")
    assert response.status_code == 403
    assert problem_type(response) == "forbidden"


def test_town_admin_invites_a_committee_admin(client, world, login):
    issued = invite(client, login("town_admin"), world.sibling.id, role="tenant_admin")
    assert issued.status_code == 201, issued.text
    accepted = accept(client, issued.json()["token"])
    assert accepted.json()["role"] == "tenant_admin"
    assert accepted.json()["tenant_id"] == str(world.sibling.id)


def test_an_existing_account_must_prove_its_password(client, world, login, password):
    existing = world.email("sibling_admin")
    admin = login("tenant_admin")
    issued = invite(client, admin, world.committee.id, role="auditor", email=existing).json()

    wrong = accept(client, issued["token"], password="not the password at all")
    assert wrong.status_code == 422
    assert problem_type(wrong) == "existing-account-password"
    assert statuses(client, admin, world.committee.id) == {issued["id"]: "pending"}

    right = accept(client, issued["token"], password=password)
    assert right.status_code == 200, right.text
    assert right.json()["role"] == "auditor"
    assert right.json()["tenant_id"] == str(world.committee.id)

    # the account kept its password and now holds both memberships
    default = client.post("/v1/auth/login", json={"email": existing, "password": password})
    assert default.json()["role"] == "tenant_admin"
    assert default.json()["tenant_id"] == str(world.sibling.id)
    chosen = client.post(
        "/v1/auth/login", json={"email": existing, "password": password, "tenant_id": str(world.committee.id)}
    )
    assert chosen.json()["role"] == "auditor"
    me = client.get("/v1/me", headers={"Authorization": f"Bearer {default.json()['access_token']}"}).json()
    assert {(m["tenant_id"], m["role"]) for m in me["memberships"]} == {
        (str(world.sibling.id), "tenant_admin"),
        (str(world.committee.id), "auditor"),
    }


def test_nobody_is_invited_into_a_deactivated_committee(client, world, login):
    admin = login("tenant_admin")
    pending = invite(client, admin, world.committee.id).json()
    district = login("district_admin")
    deactivated = client.post(
        f"/v1/tenants/{world.committee.id}/deactivate", headers=district, json={"reason": "closed"}
    )
    assert deactivated.status_code == 200

    response = accept(client, pending["token"])
    assert response.status_code == 409
    assert problem_type(response) == "tenant-inactive"
    refused = invite(client, district, world.committee.id)
    assert refused.status_code == 409
    assert problem_type(refused) == "tenant-inactive"
