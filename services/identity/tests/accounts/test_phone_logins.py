"""Phone-number logins, phone invitations, and the service endpoint that gives a committee's volunteers
their logins (most volunteers are reached by phone and WeChat, not email)."""

import random
import uuid

import pytest
from sqlalchemy import select, update

from linli_identity.accounts.models import User
from linli_identity.admin import add_service_client
from linli_identity.database import messaging
from linli_identity.seed import PLATFORM
from linli_shared.db import act_as
from linli_shared.problems import PROBLEM_JSON

NEW_PASSWORD = "a brand new password"


def new_phone():
    return "1" + random.choice("3456789") + f"{random.randrange(10**9):09d}"


def problem_type(response):
    assert response.headers["content-type"] == PROBLEM_JSON
    return response.json()["type"].rsplit("/", 1)[-1]


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def log_in(client, password, **identifier):
    return client.post("/v1/auth/login", json={**identifier, "password": password})


def invite_by_phone(client, headers, tenant_id, phone, role="volunteer", display_name="王 阿姨"):
    body = {"phone": phone, "display_name": display_name, "role": role}
    return client.post(f"/v1/tenants/{tenant_id}/invitations", headers=headers, json=body)


def accept(client, token, password=NEW_PASSWORD, **extra):
    return client.post("/v1/invitations/accept", json={"token": token, "password": password, **extra})


def assert_generic_login_failure(response):
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["type"].endswith("/invalid-credentials")


@pytest.fixture
def volunteer_phone(client, world, login):
    """A volunteer of the committee who joined by a phone invitation (no email)."""
    phone = new_phone()
    issued = invite_by_phone(client, login("staff"), world.committee.id, phone)
    assert issued.status_code == 201, issued.text
    assert accept(client, issued.json()["token"]).status_code == 200
    return phone


# logging in by phone ------------------------------------------------------------------------------------


def test_a_phone_invitation_creates_a_phone_login(client, world, login):
    staff = login("staff")
    phone = new_phone()
    issued = invite_by_phone(client, staff, world.committee.id, " " + phone)
    assert issued.status_code == 201, issued.text
    body = issued.json()
    assert (body["phone"], body["email"], body["role"]) == (phone, None, "volunteer")
    assert body["url"].endswith(body["token"])

    accepted = accept(client, body["token"])
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["role"] == "volunteer"

    logged_in = log_in(client, NEW_PASSWORD, phone=phone)
    assert logged_in.status_code == 200, logged_in.text
    me = client.get("/v1/me", headers=bearer(logged_in.json()["access_token"])).json()
    assert (me["phone"], me["email"], me["role"]) == (phone, None, "volunteer")
    assert me["tenant_id"] == str(world.committee.id)

    members = client.get(f"/v1/tenants/{world.committee.id}/memberships", headers=login("tenant_admin"))
    assert {"phone": phone, "email": None, "role": "volunteer"} in [
        {"phone": m["phone"], "email": m["email"], "role": m["role"]} for m in members.json()
    ]


def test_phone_login_failures_are_generic(client, world, volunteer_phone):
    unknown = log_in(client, "some password", phone=new_phone())
    wrong = log_in(client, "some password", phone=volunteer_phone)
    by_email = log_in(client, "some password", email=world.email("staff"))
    for response in (unknown, wrong, by_email):
        assert_generic_login_failure(response)
    assert unknown.json() == wrong.json() == by_email.json()


def test_phone_logins_lock_out_too(client, volunteer_phone, identity_database):
    failures = [log_in(client, f"wrong password {i}", phone=volunteer_phone) for i in range(5)]
    for failure in failures:
        assert_generic_login_failure(failure)
    locked = log_in(client, NEW_PASSWORD, phone=volunteer_phone)
    assert_generic_login_failure(locked)
    assert locked.json() == failures[0].json()

    with identity_database.transaction(PLATFORM) as session:
        act_as(session, login_phone=volunteer_phone)
        user = session.scalars(select(User).where(User.phone == volunteer_phone)).one()
        assert user.locked_until is not None
        session.execute(update(User).where(User.id == user.id).values(locked_until=None))
    assert log_in(client, NEW_PASSWORD, phone=volunteer_phone).status_code == 200


def test_a_phone_login_sees_only_its_own_user(identity_database, volunteer_phone):
    """Row-level security: granting a phone shows that user and nobody else."""
    with identity_database.transaction() as session:
        act_as(session, login_phone=volunteer_phone)
        users = session.scalars(select(User)).all()
    assert [user.phone for user in users] == [volunteer_phone]
    with identity_database.transaction() as session:
        assert session.scalars(select(User)).all() == []


def test_an_invitation_for_an_existing_phone_links_that_account(client, world, login, volunteer_phone):
    # the same person is invited at a second committee: they keep one account
    issued = invite_by_phone(client, login("sibling_admin"), world.sibling.id, volunteer_phone).json()
    refused = accept(client, issued["token"], password="not the password")
    assert refused.status_code == 422
    assert problem_type(refused) == "existing-account-password"

    accepted = accept(client, issued["token"], password=NEW_PASSWORD)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["tenant_id"] == str(world.sibling.id)
    tokens = log_in(client, NEW_PASSWORD, phone=volunteer_phone).json()
    me = client.get("/v1/me", headers=bearer(tokens["access_token"])).json()
    assert {m["tenant_id"] for m in me["memberships"]} == {str(world.committee.id), str(world.sibling.id)}


def test_inviting_the_same_phone_again_replaces_the_pending_link(client, world, login):
    staff, phone = login("staff"), new_phone()
    first = invite_by_phone(client, staff, world.committee.id, phone).json()
    second = invite_by_phone(client, staff, world.committee.id, phone).json()
    assert accept(client, first["token"]).status_code == 409
    assert accept(client, second["token"]).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {"password": "x"},
        {"email": "someone@test.linli.cn", "phone": "13800138000", "password": "x"},
        {"phone": "12800138000", "password": "x"},
        {"phone": "1380013800", "password": "x"},
        {"phone": "+8613800138000", "password": "x"},
        {"phone": 13800138000, "password": "x"},
        {"phone": None, "email": None, "password": "x"},
    ],
)
def test_a_login_needs_exactly_one_well_formed_identifier(client, body):
    response = client.post("/v1/auth/login", json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM_JSON


@pytest.mark.parametrize(
    "contact",
    [{}, {"email": "a@test.linli.cn", "phone": "13800138000"}, {"phone": "1380013800x"}, {"phone": ""}],
)
def test_an_invitation_needs_exactly_one_contact(client, world, login, contact):
    body = {"display_name": "王 阿姨", "role": "volunteer", **contact}
    response = client.post(f"/v1/tenants/{world.committee.id}/invitations", headers=login("staff"), json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM_JSON


# the service endpoint -----------------------------------------------------------------------------------


def service_headers(client, identity_database, scopes):
    client_id, secret = f"svc-{uuid.uuid4().hex[:8]}", "a long service secret"
    add_service_client(identity_database, client_id, secret, scopes)
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    response = client.post("/v1/oauth/token", data=form)
    assert response.status_code == 200, response.text
    return bearer(response.json()["access_token"])


@pytest.fixture
def roster_service(client, identity_database):
    return service_headers(client, identity_database, ["invitations:volunteer"])


def service_invite(client, headers, tenant_id, **body):
    body = {"display_name": "李 师傅", "external_ref": f"roster:volunteer:{uuid.uuid4()}", **body}
    return client.post(f"/v1/service/tenants/{tenant_id}/volunteer-invitations", headers=headers, json=body)


def granted_events(identity_database, user_id):
    outbox = messaging.outbox
    with identity_database.transaction() as session:
        rows = session.execute(
            select(outbox.c.event).where(outbox.c.topic == "identity.users").order_by(outbox.c.id)
        ).scalars()
        return [
            event
            for event in rows
            if event["type"] == "linli.identity.membership.granted.v1" and event["data"]["user_id"] == user_id
        ]


def test_a_service_invites_a_volunteer_and_the_grant_names_its_record(
    client, world, login, roster_service, identity_database
):
    phone, ref = new_phone(), f"roster:volunteer:{uuid.uuid4()}"
    issued = service_invite(client, roster_service, world.committee.id, phone=phone, external_ref=ref)
    assert issued.status_code == 201, issued.text
    body = issued.json()
    assert (body["role"], body["phone"], body["external_ref"]) == ("volunteer", phone, ref)
    assert body["tenant_id"] == str(world.committee.id)
    assert body["url"].endswith(body["token"])

    accepted = accept(client, body["token"])
    assert accepted.status_code == 200, accepted.text
    me = client.get(
        "/v1/me", headers=bearer(log_in(client, NEW_PASSWORD, phone=phone).json()["access_token"])
    )
    [event] = granted_events(identity_database, me.json()["user_id"])
    assert event["data"]["external_ref"] == ref
    assert event["data"]["role"] == "volunteer"
    assert event["tenantid"] == str(world.committee.id)

    # audited like other invitations, and staff see it in the committee's list
    admin = login("tenant_admin")
    entries = client.get(
        "/v1/audit-log",
        headers=admin,
        params={"tenant_id": str(world.committee.id), "action": "invitation.created"},
    ).json()["items"]
    [created] = [entry for entry in entries if entry["target_id"] == body["id"]]
    assert created["actor"].startswith("service:")
    assert created["details"]["external_ref"] == ref
    listed = client.get(f"/v1/tenants/{world.committee.id}/invitations", headers=admin).json()
    assert {item["id"]: item["status"] for item in listed}[body["id"]] == "accepted"


def test_grants_without_an_invitation_reference_carry_none(client, world, login, identity_database):
    phone = new_phone()
    issued = invite_by_phone(client, login("staff"), world.committee.id, phone).json()
    accept(client, issued["token"])
    me = client.get(
        "/v1/me", headers=bearer(log_in(client, NEW_PASSWORD, phone=phone).json()["access_token"])
    )
    [event] = granted_events(identity_database, me.json()["user_id"])
    assert event["data"].get("external_ref") is None


def test_the_service_endpoint_needs_the_scope(client, world, login, identity_database):
    reader = service_headers(client, identity_database, ["tenants:read", "members:read"])
    for headers in (reader, login("staff"), login("tenant_admin")):
        response = service_invite(client, headers, world.committee.id, phone=new_phone())
        assert response.status_code == 403, response.text
        assert response.headers["content-type"] == PROBLEM_JSON
    anonymous = service_invite(client, {}, world.committee.id, phone=new_phone())
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"] == PROBLEM_JSON


def test_only_an_active_committee_qualifies(client, world, login, roster_service):
    for tenant_id in (uuid.uuid4(), world.town.id, world.district.id):
        response = service_invite(client, roster_service, tenant_id, phone=new_phone())
        assert response.status_code == 404, response.text
        assert problem_type(response) == "tenant-not-found"

    deactivated = client.post(
        f"/v1/tenants/{world.far_committee.id}/deactivate",
        headers=login("district_admin"),
        json={"reason": "合并"},
    )
    assert deactivated.status_code == 200, deactivated.text
    response = service_invite(client, roster_service, world.far_committee.id, phone=new_phone())
    assert response.status_code == 404
    assert problem_type(response) == "tenant-not-found"


@pytest.mark.parametrize(
    "body",
    [
        {"phone": "13800138000", "external_ref": "not a reference"},
        {"phone": "13800138000", "external_ref": "roster:volunteer:" + "x" * 36},
        {"phone": "13800138000", "external_ref": None},
        {"phone": "13800138000", "role": "staff"},
        {"phone": "13800138000", "display_name": ""},
        {"phone": "13800138000", "display_name": "x" * 101},
        {"email": "a@test.linli.cn", "phone": "13800138000"},
        {},
    ],
)
def test_the_service_endpoint_refuses_bad_input(client, world, roster_service, body):
    response = service_invite(client, roster_service, world.committee.id, **body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM_JSON


def test_a_service_client_may_hold_the_invitation_scope_but_no_other_write(identity_database):
    add_service_client(identity_database, f"svc-{uuid.uuid4().hex[:8]}", "secret", ["invitations:volunteer"])
    with pytest.raises(ValueError, match="members:write"):
        add_service_client(identity_database, f"svc-{uuid.uuid4().hex[:8]}", "secret", ["members:write"])
