"""Logging in and out, refreshing, lockout, changing passwords."""

import uuid

from sqlalchemy import select, update

from linli_identity.accounts.models import User
from linli_identity.seed import PLATFORM
from linli_shared.db import act_as
from linli_shared.problems import PROBLEM_JSON


def log_in(client, email, password, **extra):
    return client.post("/v1/auth/login", json={"email": email, "password": password, **extra})


def bearer(tokens):
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def refresh(client, refresh_token):
    return client.post("/v1/auth/refresh", json={"refresh_token": refresh_token})


def assert_generic_login_failure(response):
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["type"].endswith("/invalid-credentials")


def test_login_issues_tokens_for_the_broadest_role(client, world, password):
    response = log_in(client, world.email("town_admin"), password)
    assert response.status_code == 200, response.text
    tokens = response.json()
    assert tokens["token_type"] == "Bearer"
    assert tokens["role"] == "town_admin"
    assert tokens["tenant_id"] == str(world.town.id)
    assert tokens["expires_in"] > 0
    me = client.get("/v1/me", headers=bearer(tokens)).json()
    assert me["email"] == world.email("town_admin")
    assert "tenants:write" in me["scopes"]


def test_email_is_case_insensitive(client, world, password):
    assert log_in(client, "  " + world.email("staff").upper(), password).status_code == 200


def test_the_failure_says_nothing_about_whether_the_account_exists(client, world):
    unknown = log_in(client, f"nobody-{uuid.uuid4().hex[:8]}@test.linli.cn", "some password")
    wrong = log_in(client, world.email("staff"), "some password")
    assert_generic_login_failure(unknown)
    assert_generic_login_failure(wrong)
    assert unknown.json() == wrong.json()
    assert unknown.headers["www-authenticate"] == wrong.headers["www-authenticate"]


def test_a_tenant_without_a_membership_cannot_be_chosen(client, world, password):
    response = log_in(client, world.email("staff"), password, tenant_id=str(world.sibling.id))
    assert_generic_login_failure(response)


def test_lockout_after_five_failures(client, world, password, identity_database):
    email = world.email("auditor")
    failures = [log_in(client, email, f"wrong password {i}") for i in range(5)]
    for failure in failures:
        assert_generic_login_failure(failure)

    locked = log_in(client, email, password)
    assert_generic_login_failure(locked)
    assert locked.json() == failures[0].json()

    # once the lock has run out, the right password works again
    with identity_database.transaction(PLATFORM) as session:
        act_as(session, login_email=email)
        user = session.scalars(select(User).where(User.email == email)).one()
        assert user.locked_until is not None
        session.execute(update(User).where(User.id == user.id).values(locked_until=None))
    assert log_in(client, email, password).status_code == 200


def test_a_success_resets_the_failure_count(client, world, password):
    email = world.email("volunteer")
    for _ in range(4):
        assert log_in(client, email, "wrong password").status_code == 401
    assert log_in(client, email, password).status_code == 200
    for _ in range(4):
        assert log_in(client, email, "wrong password").status_code == 401
    assert log_in(client, email, password).status_code == 200


def test_refresh_rotates_and_reuse_revokes_the_whole_family(client, world, password):
    first = log_in(client, world.email("staff"), password).json()

    second = refresh(client, first["refresh_token"])
    assert second.status_code == 200, second.text
    assert second.json()["refresh_token"] != first["refresh_token"]
    assert second.json()["access_token"] != first["access_token"]
    assert client.get("/v1/me", headers=bearer(second.json())).status_code == 200

    replayed = refresh(client, first["refresh_token"])
    assert replayed.status_code == 401
    assert replayed.json()["type"].endswith("/invalid-refresh-token")
    # the replay ended the family: the newer refresh token is dead too
    assert refresh(client, second.json()["refresh_token"]).status_code == 401


def test_an_unknown_refresh_token_is_refused(client):
    response = refresh(client, "y" * 43)
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM_JSON


def test_logout_revokes_the_access_and_refresh_tokens(client, world, password):
    tokens = log_in(client, world.email("tenant_admin"), password).json()
    other_session = log_in(client, world.email("tenant_admin"), password).json()

    response = client.post(
        "/v1/auth/logout", headers=bearer(tokens), json={"refresh_token": tokens["refresh_token"]}
    )
    assert response.status_code == 204

    refused = client.get("/v1/me", headers=bearer(tokens))
    assert refused.status_code == 401
    assert refused.headers["content-type"] == PROBLEM_JSON
    assert refused.headers["www-authenticate"] == "Bearer"
    assert refresh(client, tokens["refresh_token"]).status_code == 401
    # another session of the same person is not affected
    assert client.get("/v1/me", headers=bearer(other_session)).status_code == 200


def test_logout_cannot_end_someone_elses_session(client, world, password):
    victim = log_in(client, world.email("staff"), password).json()
    attacker = log_in(client, world.email("volunteer"), password).json()
    response = client.post(
        "/v1/auth/logout", headers=bearer(attacker), json={"refresh_token": victim["refresh_token"]}
    )
    assert response.status_code == 204
    assert refresh(client, victim["refresh_token"]).status_code == 200


def test_changing_the_password(client, world, password):
    email = world.email("staff")
    tokens = log_in(client, email, password).json()
    new_password = "a much better password"

    response = client.post(
        "/v1/auth/password",
        headers=bearer(tokens),
        json={"current_password": password, "new_password": new_password},
    )
    assert response.status_code == 200, response.text
    fresh = response.json()

    assert client.get("/v1/me", headers=bearer(tokens)).status_code == 401
    assert refresh(client, tokens["refresh_token"]).status_code == 401
    assert client.get("/v1/me", headers=bearer(fresh)).status_code == 200
    assert log_in(client, email, password).status_code == 401
    assert log_in(client, email, new_password).status_code == 200


def test_changing_the_password_needs_the_current_one(client, world, login, password):
    headers = login("staff")
    wrong = client.post(
        "/v1/auth/password",
        headers=headers,
        json={"current_password": "not my password", "new_password": "a much better password"},
    )
    assert wrong.status_code == 422
    assert wrong.json()["type"].endswith("/wrong-password")
    same = client.post(
        "/v1/auth/password", headers=headers, json={"current_password": password, "new_password": password}
    )
    assert same.status_code == 422
    assert client.get("/v1/me", headers=headers).status_code == 200
