"""Access tokens: what the verifier refuses, the JWKS, key rotation, client-credential service tokens."""

import base64
import json
import time
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from linli_identity.admin import add_service_client, rotate_keys
from linli_identity.auth.repository import AuthRepository
from linli_identity.auth.tokens import TokenIssuer
from linli_shared.problems import PROBLEM_JSON


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def claims_of(token):
    return jwt.decode(token, options={"verify_signature": False})


def active_signing_key(database, settings):
    """(kid, private PEM) of the key the service signs with now."""
    issuer = TokenIssuer(settings)
    with database.transaction() as session:
        key = issuer.active_key(AuthRepository(session))
        return key.kid, issuer.cipher.open(key.kid, key.private_key_encrypted)


def fresh_private_pem():
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def assert_refused(response):
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.headers["www-authenticate"] == "Bearer"
    body = response.json()
    assert body["status"] == 401
    assert body["title"]
    assert body["type"].startswith("https://")


@pytest.fixture
def real_claims(login):
    """The claims of a real tenant_admin access token, to re-sign with one thing changed."""
    return claims_of(login("tenant_admin")["Authorization"].removeprefix("Bearer "))


@pytest.fixture
def signing_key(identity_database, identity_settings):
    return active_signing_key(identity_database, identity_settings)


def resign(claims, signing_key, **changes):
    kid, pem = signing_key
    return jwt.encode({**claims, **changes}, pem, algorithm="EdDSA", headers={"kid": kid})


def test_a_re_signed_copy_of_a_real_token_is_accepted(client, real_claims, signing_key):
    """The control for the refusals below: each of them changes one thing only."""
    assert client.get("/v1/me", headers=bearer(resign(real_claims, signing_key))).status_code == 200


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 4000}, id="expired"),
        pytest.param({"aud": "another-platform"}, id="wrong-audience"),
        pytest.param({"iss": "someone-else"}, id="wrong-issuer"),
        pytest.param({"typ": "refresh"}, id="not-an-access-token"),
        pytest.param({"typ": None}, id="no-type"),
        pytest.param({"nbf": int(time.time()) + 3600}, id="not-yet-valid"),
        pytest.param({"tpath": "linli.not-a-path"}, id="bad-tenant-path"),
        pytest.param({"role": "superuser"}, id="unknown-role"),
    ],
)
def test_tokens_with_wrong_claims_are_refused(client, real_claims, signing_key, changes):
    assert_refused(client.get("/v1/me", headers=bearer(resign(real_claims, signing_key, **changes))))


@pytest.mark.parametrize("claim", ["exp", "jti", "sub", "aud", "iss"])
def test_tokens_missing_a_required_claim_are_refused(client, real_claims, signing_key, claim):
    claims = {name: value for name, value in real_claims.items() if name != claim}
    assert_refused(client.get("/v1/me", headers=bearer(resign(claims, signing_key))))


def test_a_tampered_token_is_refused(client, login):
    token = login("tenant_admin")["Authorization"].removeprefix("Bearer ")
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["role"] = "district_admin"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    assert_refused(client.get("/v1/tenants", headers=bearer(f"{header}.{forged}.{signature}")))


def test_a_token_signed_with_another_key_under_a_known_kid_is_refused(client, real_claims, signing_key):
    kid, _ = signing_key
    token = jwt.encode(real_claims, fresh_private_pem(), algorithm="EdDSA", headers={"kid": kid})
    assert_refused(client.get("/v1/me", headers=bearer(token)))


def test_a_token_with_an_unknown_kid_is_refused(client, real_claims):
    token = jwt.encode(real_claims, fresh_private_pem(), algorithm="EdDSA", headers={"kid": "f" * 16})
    response = client.get("/v1/me", headers=bearer(token))
    assert_refused(response)
    assert "unknown key" in response.json()["detail"]


def test_algorithm_confusion_is_refused(client, real_claims, signing_key):
    unsigned = jwt.encode(real_claims, None, algorithm="none", headers={"kid": signing_key[0]})
    assert_refused(client.get("/v1/me", headers=bearer(unsigned)))
    hmac = jwt.encode(real_claims, "a shared secret of enough length", algorithm="HS256")
    assert_refused(client.get("/v1/me", headers=bearer(hmac)))


@pytest.mark.parametrize(
    "authorization", ["Bearer", "Bearer ", "Bearer not-a-jwt", "Bearer a.b.c", "Basic dXNlcjpwYXNz", "token"]
)
def test_garbage_credentials_are_refused(client, authorization):
    assert_refused(client.get("/v1/me", headers={"Authorization": authorization}))


def test_the_jwks_publishes_the_signing_key(client, login):
    token = login("staff")["Authorization"].removeprefix("Bearer ")
    response = client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    keys = {key["kid"]: key for key in response.json()["keys"]}
    kid = jwt.get_unverified_header(token)["kid"]
    assert kid in keys
    assert keys[kid]["kty"] == "OKP"
    assert keys[kid]["crv"] == "Ed25519"
    assert all("d" not in key for key in keys.values()), "a private key leaked into the JWKS"

    public_key = jwt.PyJWK(keys[kid]).key
    claims = jwt.decode(token, public_key, algorithms=["EdDSA"], audience="linli", issuer="linli-identity")
    assert claims["role"] == "staff"


def test_key_rotation_keeps_old_tokens_valid(client, world, password, identity_database, identity_settings):
    def log_in():
        response = client.post("/v1/auth/login", json={"email": world.email("staff"), "password": password})
        return response.json()["access_token"]

    old_token = log_in()
    old_kid = jwt.get_unverified_header(old_token)["kid"]

    new_kid = rotate_keys(identity_database, identity_settings)
    assert new_kid != old_kid

    published = {key["kid"] for key in client.get("/.well-known/jwks.json").json()["keys"]}
    assert {old_kid, new_kid} <= published
    assert client.get("/v1/me", headers=bearer(old_token)).status_code == 200
    new_token = log_in()
    assert jwt.get_unverified_header(new_token)["kid"] == new_kid
    assert client.get("/v1/me", headers=bearer(new_token)).status_code == 200


@pytest.fixture
def service_client(identity_database):
    client_id, secret = f"svc-{uuid.uuid4().hex[:8]}", "a long service secret"
    add_service_client(identity_database, client_id, secret, ["tenants:read", "members:read"])
    return client_id, secret


def service_token(client, client_id, secret, grant_type="client_credentials"):
    form = {"grant_type": grant_type, "client_id": client_id, "client_secret": secret}
    return client.post("/v1/oauth/token", data=form)


def test_client_credentials_give_a_read_only_service_token(client, world, service_client):
    response = service_token(client, *service_client)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["scope"] == "members:read tenants:read"
    claims = claims_of(body["access_token"])
    assert claims["role"] == "service"
    assert claims["sub"] == f"service:{service_client[0]}"
    assert claims["tpath"] == "linli"

    headers = bearer(body["access_token"])
    tenants = client.get("/v1/tenants", headers=headers)
    assert tenants.status_code == 200
    seen = {node["id"] for node in tenants.json()}
    assert {str(world.district.id), str(world.far_committee.id)} <= seen
    assert client.get(f"/v1/tenants/{world.committee.id}/memberships", headers=headers).status_code == 200

    body = {"parent_id": str(world.district.id), "name": "服务建的镇", "slug": f"svc-{uuid.uuid4().hex[:8]}"}
    refused = client.post("/v1/tenants", headers=headers, json=body)
    assert refused.status_code == 403
    assert refused.headers["content-type"] == PROBLEM_JSON
    assert client.get("/v1/audit-log", headers=headers).status_code == 403


def test_client_credentials_with_a_wrong_secret_are_refused(client, service_client):
    client_id, _ = service_client
    wrong = service_token(client, client_id, "not the secret")
    unknown = service_token(client, f"nobody-{uuid.uuid4().hex[:8]}", "not the secret")
    for response in (wrong, unknown):
        assert_refused(response)
        assert response.json()["type"].endswith("/invalid-client")
    assert service_token(client, *service_client, grant_type="password").status_code == 422
