"""Volunteer logins end to end, in-process: staff ask the roster for a login invitation (the roster calls the
identity service with its client-credentials token), the volunteer accepts it at identity, identity's
membership event links the login to the volunteer record, and the volunteer sees their own record only."""

import json
import random
import uuid
from datetime import datetime

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select

from linli_identity.admin import add_service_client
from linli_identity.database import messaging as identity_messaging
from linli_roster.database import messaging
from linli_roster.events.consumers import CONSUMED_TOPICS, HANDLERS
from linli_roster.logins.exceptions import IdentityUnavailable
from linli_roster.logins.identity_client import IdentityClient
from linli_roster.main import create_app
from linli_shared.events.consumer import ConsumerRunner
from linli_shared.problems import PROBLEM_JSON

PASSWORD = "a volunteer's own password"
GRANTED = "linli.identity.membership.granted.v1"


def new_phone():
    return "1" + random.choice("3456789") + f"{random.randrange(10**9):09d}"


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def problem(response, status):
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    return response.json()


@pytest.fixture(scope="module")
def roster_service_client(identity_database):
    client_id, secret = f"roster-test-{uuid.uuid4().hex[:8]}", "the roster's test secret"
    add_service_client(identity_database, client_id, secret, ["invitations:volunteer"])
    return client_id, secret


def roster_app(roster_settings, roster_database, client, client_id, secret):
    settings = roster_settings.model_copy(
        update={
            "service_client_id": client_id,
            "service_client_secret": SecretStr(secret),
            "identity_url": "http://testserver",
        }
    )
    app = create_app(settings, roster_database, jwks_http=client, identity_http=client)
    # no lifespan: the shared roster database must stay open for the other tests
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture(scope="module")
def logins_client(roster_settings, roster_database, client, roster_service_client):
    """The roster configured with its identity service client; `client` is the identity app."""
    return roster_app(roster_settings, roster_database, client, *roster_service_client)


@pytest.fixture
def deliver_grants(world, identity_database, roster_database):
    """Feed identity's membership-granted events of this world to the roster's consumer."""

    def deliver(transform=None):
        outbox = identity_messaging.outbox
        with identity_database.transaction() as session:
            rows = session.execute(
                select(outbox.c.event).where(outbox.c.topic == "identity.users").order_by(outbox.c.id)
            ).scalars()
            events = [
                event
                for event in rows
                if event["type"] == GRANTED and event["tenantpath"].startswith(world.district.path)
            ]
        if transform is not None:
            events = [transform(event) for event in events]
        runner = ConsumerRunner("linli-roster", roster_database, messaging, HANDLERS, None, "unused")
        return [runner.handle("identity.users", json.dumps(event).encode(), []) for event in events]

    return deliver


@pytest.fixture
def staff(login, sync_directory):
    sync_directory()
    return login("staff")


def register(roster_client, headers, name="刘阿姨", phone=None):
    body = {
        "name": name,
        "phone": phone or new_phone(),
        "joined_on": "2024-03-01",
        "channel": "self_recommended",
    }
    response = roster_client.post("/v1/volunteers", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_staff_give_a_volunteer_a_login_and_the_volunteer_sees_only_themselves(
    client, logins_client, staff, deliver_grants, world
):
    phone = new_phone()
    volunteer = register(logins_client, staff, "刘阿姨", phone)
    other = register(logins_client, staff, "赵师傅")

    issued = logins_client.post(f"/v1/volunteers/{volunteer['id']}/login-invitation", headers=staff)
    assert issued.status_code == 201, issued.text
    invitation = issued.json()
    assert set(invitation) == {"url", "token", "expires_at"}
    assert invitation["url"].endswith(invitation["token"])
    assert datetime.fromisoformat(invitation["expires_at"]) > datetime.now().astimezone()

    # the volunteer opens the link (QR code or WeChat) and sets a password at identity
    accepted = client.post(
        "/v1/invitations/accept", json={"token": invitation["token"], "password": PASSWORD}
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["role"] == "volunteer"
    assert accepted.json()["tenant_id"] == str(world.committee.id)

    logged_in = client.post("/v1/auth/login", json={"phone": phone, "password": PASSWORD})
    assert logged_in.status_code == 200, logged_in.text
    me = bearer(logged_in.json()["access_token"])
    user_id = client.get("/v1/me", headers=me).json()["user_id"]

    # until identity's event arrives, the login is not linked yet
    problem(logins_client.get("/v1/me/volunteer", headers=me), 404)

    outcomes = deliver_grants()
    assert any(outcome.handled for outcome in outcomes)
    own = logins_client.get("/v1/me/volunteer", headers=me)
    assert own.status_code == 200, own.text
    record = own.json()
    assert (record["id"], record["name"], record["phone"]) == (volunteer["id"], "刘阿姨", phone)
    assert record["user_id"] == user_id

    # redelivery and a re-sent grant change nothing
    assert all(outcome.duplicate for outcome in deliver_grants())
    resent = deliver_grants(lambda event: {**event, "id": str(uuid.uuid4())})
    assert all(outcome.handled for outcome in resent)
    history = logins_client.get(f"/v1/volunteers/{volunteer['id']}/history", headers=staff).json()
    assert [change["change"] for change in history].count("login_linked") == 1
    assert [change["change"] for change in history].count("login_invited") == 1
    assert logins_client.get(f"/v1/volunteers/{volunteer['id']}", headers=staff).json()["user_id"] == user_id

    # a volunteer never sees anyone else
    problem(logins_client.get("/v1/volunteers", headers=me), 403)
    problem(logins_client.get(f"/v1/volunteers/{other['id']}", headers=me), 403)
    problem(logins_client.get(f"/v1/volunteers/{volunteer['id']}", headers=me), 403)
    problem(logins_client.get("/v1/volunteers/export.xlsx", headers=me), 403)
    problem(logins_client.post(f"/v1/volunteers/{other['id']}/login-invitation", headers=me), 403)


def test_other_references_and_roles_are_ignored(client, logins_client, staff, deliver_grants, login):
    volunteer = register(logins_client, staff)
    invitation = logins_client.post(
        f"/v1/volunteers/{volunteer['id']}/login-invitation", headers=staff
    ).json()
    assert client.post("/v1/invitations/accept", json={"token": invitation["token"], "password": PASSWORD})

    def foreign(event):
        data = {**event["data"], "external_ref": f"scheduling:volunteer:{volunteer['id']}"}
        return {**event, "id": str(uuid.uuid4()), "data": data}

    def malformed(event):
        data = {**event["data"], "external_ref": "roster:volunteer:not-a-uuid"}
        return {**event, "id": str(uuid.uuid4()), "data": data}

    def not_a_volunteer(event):
        return {**event, "id": str(uuid.uuid4()), "data": {**event["data"], "role": "staff"}}

    for transform in (foreign, malformed, not_a_volunteer):
        assert all(outcome.handled for outcome in deliver_grants(transform))
        assert logins_client.get(f"/v1/volunteers/{volunteer['id']}", headers=staff).json()["user_id"] is None
    deliver_grants()
    assert logins_client.get(f"/v1/volunteers/{volunteer['id']}", headers=staff).json()["user_id"] is not None


def test_only_a_volunteer_has_a_record_of_their_own(logins_client, login, sync_directory):
    sync_directory()
    for role in ("staff", "tenant_admin", "auditor", "town_admin"):
        assert problem(logins_client.get("/v1/me/volunteer", headers=login(role)), 403)["type"].endswith(
            "/not-a-volunteer"
        )
    # the world's volunteer has a login but no linked record
    problem(logins_client.get("/v1/me/volunteer", headers=login("volunteer")), 404)
    problem(logins_client.get("/v1/me/volunteer"), 401)


def test_only_an_active_volunteer_of_the_committee_gets_an_invitation(logins_client, staff, login, world):
    sibling_admin = login("sibling_admin")
    elsewhere = register(logins_client, sibling_admin)
    for volunteer_id in (elsewhere["id"], str(uuid.uuid4())):
        body = problem(
            logins_client.post(f"/v1/volunteers/{volunteer_id}/login-invitation", headers=staff), 404
        )
        assert body["type"].endswith("/volunteer-not-found")

    exited = register(logins_client, staff)
    left = logins_client.post(
        f"/v1/volunteers/{exited['id']}/exit", headers=staff, json={"kind": "voluntary", "reason": "搬家"}
    )
    assert left.status_code == 200, left.text
    problem(logins_client.post(f"/v1/volunteers/{exited['id']}/login-invitation", headers=staff), 404)


def test_who_may_give_logins_and_bad_input(logins_client, staff, login):
    volunteer = register(logins_client, staff)
    path = f"/v1/volunteers/{volunteer['id']}/login-invitation"
    assert logins_client.post(path, headers=login("tenant_admin")).status_code == 201
    for role in ("auditor", "town_admin", "district_admin", "volunteer"):
        problem(logins_client.post(path, headers=login(role)), 403)
    problem(logins_client.post(path), 401)
    problem(logins_client.post("/v1/volunteers/not-a-uuid/login-invitation", headers=staff), 422)
    problem(logins_client.get(path, headers=staff), 405)


def test_without_a_service_secret_logins_are_not_configured(roster_client, staff):
    volunteer = register(roster_client, staff)
    body = problem(
        roster_client.post(f"/v1/volunteers/{volunteer['id']}/login-invitation", headers=staff), 503
    )
    assert body["detail"].startswith("Logins are not configured")


def test_identity_refusals_become_a_clear_502(
    roster_settings, roster_database, client, roster_service_client, staff, identity_database
):
    wrong_secret = roster_app(roster_settings, roster_database, client, roster_service_client[0], "not it")
    volunteer = register(wrong_secret, staff)
    body = problem(
        wrong_secret.post(f"/v1/volunteers/{volunteer['id']}/login-invitation", headers=staff), 502
    )
    assert "service token" in body["detail"]
    assert "not it" not in json.dumps(body)

    reader_id = f"roster-test-{uuid.uuid4().hex[:8]}"
    add_service_client(identity_database, reader_id, "reader secret", ["tenants:read"])
    without_scope = roster_app(roster_settings, roster_database, client, reader_id, "reader secret")
    body = problem(
        without_scope.post(f"/v1/volunteers/{volunteer['id']}/login-invitation", headers=staff), 502
    )
    assert "HTTP 403" in body["detail"]


def test_the_service_token_is_cached_until_shortly_before_it_expires():
    calls = []

    def identity(request):
        calls.append(request.url.path)
        if request.url.path == "/v1/oauth/token":
            return httpx.Response(200, json={"access_token": f"t{len(calls)}", "expires_in": 300})
        assert request.headers["authorization"].startswith("Bearer t")
        return httpx.Response(
            201, json={"url": "u?token=x", "token": "x", "expires_at": "2030-01-01T00:00:00+00:00"}
        )

    now = [0.0]
    http = httpx.Client(base_url="http://identity", transport=httpx.MockTransport(identity))
    identity_client = IdentityClient(http, "roster", "secret", clock=lambda: now[0])
    tenant, ref = uuid.uuid4(), f"roster:volunteer:{uuid.uuid4()}"
    for _ in range(3):
        identity_client.invite_volunteer(tenant, "刘阿姨", "13800138000", ref)
    assert calls.count("/v1/oauth/token") == 1
    now[0] = 250.0  # within a minute of expiry: a fresh token
    identity_client.invite_volunteer(tenant, "刘阿姨", "13800138000", ref)
    assert calls.count("/v1/oauth/token") == 2


def test_an_unreachable_identity_is_a_502():
    def down(request):
        raise httpx.ConnectError("connection refused", request=request)

    http = httpx.Client(base_url="http://identity", transport=httpx.MockTransport(down))
    with pytest.raises(IdentityUnavailable, match="could not be reached"):
        IdentityClient(http, "roster", "secret").invite_volunteer(uuid.uuid4(), "x", "13800138000", "r:v:x")


def test_the_roster_consumes_identity_users():
    assert "identity.users" in CONSUMED_TOPICS
    assert GRANTED in HANDLERS
