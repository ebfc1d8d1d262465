"""Bad input on every endpoint: a 4xx problem+json with a machine-readable body, and nothing written."""

import uuid
from dataclasses import dataclass

import psycopg
import pytest
from sqlalchemy.engine import make_url

from linli_shared.problems import PROBLEM_JSON

OVERSIZE = "长" * 5000


@dataclass
class Stage:
    """A world with a pending invitation, a staff session and headers for the acting roles."""

    world: object
    headers: dict[str, dict[str, str]]
    invitation_id: str
    invitation_token: str
    invitation_email: str
    staff_membership_id: str
    staff_refresh_token: str
    password: str


@pytest.fixture
def stage(client, world, login, password):
    headers = {role: login(role) for role in ("district_admin", "tenant_admin")}
    email = f"bad-input-{uuid.uuid4().hex[:8]}@test.linli.cn"
    invitation = client.post(
        f"/v1/tenants/{world.committee.id}/invitations",
        headers=headers["tenant_admin"],
        json={"email": email, "display_name": "某人", "role": "staff"},
    ).json()
    staff = client.post("/v1/auth/login", json={"email": world.email("staff"), "password": password}).json()
    headers["staff"] = {"Authorization": f"Bearer {staff['access_token']}"}
    members = client.get(
        f"/v1/tenants/{world.committee.id}/memberships", headers=headers["tenant_admin"]
    ).json()
    return Stage(
        world=world,
        headers=headers,
        invitation_id=invitation["id"],
        invitation_token=invitation["token"],
        invitation_email=email,
        staff_membership_id=next(m["id"] for m in members if m["email"] == world.email("staff")),
        staff_refresh_token=staff["refresh_token"],
        password=password,
    )


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str  # formatted with the stage's ids
    actor: str | None  # whose headers; None for public endpoints
    body: dict  # a valid body, formatted with the stage's ids; the bad cases break it one way each
    strings: tuple[str, ...] = ()  # string fields, to oversize
    optional: tuple[str, ...] = ()  # fields a valid body may leave out


JSON_ENDPOINTS = [
    Endpoint(
        "login",
        "POST",
        "/v1/auth/login",
        None,
        {"email": "{email}", "password": "{password}"},
        ("email", "password"),
    ),
    Endpoint("refresh", "POST", "/v1/auth/refresh", None, {"refresh_token": "{refresh}"}, ("refresh_token",)),
    Endpoint(
        "logout",
        "POST",
        "/v1/auth/logout",
        "staff",
        {"refresh_token": "{refresh}"},
        ("refresh_token",),
        ("refresh_token",),
    ),
    Endpoint(
        "change-password",
        "POST",
        "/v1/auth/password",
        "staff",
        {"current_password": "{password}", "new_password": "a new long password"},
        ("current_password", "new_password"),
    ),
    Endpoint(
        "create-tenant",
        "POST",
        "/v1/tenants",
        "district_admin",
        {"parent_id": "{town}", "name": "新居民区", "slug": "{slug}"},
        ("name", "slug"),
    ),
    Endpoint(
        "rename-tenant", "PATCH", "/v1/tenants/{committee}", "district_admin", {"name": "新名字"}, ("name",)
    ),
    Endpoint(
        "move-tenant",
        "POST",
        "/v1/tenants/{committee}/move",
        "district_admin",
        {"new_parent_id": "{other_town}"},
    ),
    Endpoint(
        "deactivate-tenant",
        "POST",
        "/v1/tenants/{committee}/deactivate",
        "district_admin",
        {"reason": "撤并"},
        ("reason",),
    ),
    Endpoint(
        "create-invitation",
        "POST",
        "/v1/tenants/{committee}/invitations",
        "tenant_admin",
        {"email": "new-{slug}@test.linli.cn", "display_name": "新人", "role": "staff"},
        ("email", "display_name"),
    ),
    Endpoint(
        "accept-invitation",
        "POST",
        "/v1/invitations/accept",
        None,
        {"token": "{token}", "password": "a new long password", "display_name": "新人"},
        ("token", "password", "display_name"),
        ("display_name",),
    ),
]


def ids_of(stage):
    world = stage.world
    return {
        "committee": str(world.committee.id),
        "town": str(world.town.id),
        "other_town": str(world.other_town.id),
        "invitation": stage.invitation_id,
        "membership": stage.staff_membership_id,
        "token": stage.invitation_token,
        "refresh": stage.staff_refresh_token,
        "email": world.email("staff"),
        "password": stage.password,
        "slug": f"bad-{uuid.uuid4().hex[:8]}",
    }


def render(value, ids):
    return value.format(**ids) if isinstance(value, str) else value


def bad_bodies(endpoint):
    """(case name, request kwargs builder) for every way this endpoint's body can be broken."""

    def raw(content, content_type="application/json"):
        return lambda body: {"content": content, "headers": {"content-type": content_type}}

    cases = [
        ("malformed-json", raw(b'{"name": "unterminated')),
        ("trailing-garbage", raw(b'{"name": "x"} }')),
        ("not-an-object", lambda body: {"json": [body]}),
        ("a-bare-string", lambda body: {"json": "hello"}),
        ("empty-body", raw(b"")),
        (
            "not-json-content-type",
            lambda body: {"content": str(body).encode(), "headers": {"content-type": "text/plain"}},
        ),
        ("unknown-field", lambda body: {"json": {**body, "is_superuser": True}}),
        ("too-large", raw(b'{"name": "' + b"x" * 1_100_000 + b'"}')),
    ]
    for name in endpoint.body:
        cases.append(
            (f"wrong-type-{name}", lambda body, name=name: {"json": {**body, name: ["not", "a", "value"]}})
        )
        cases.append((f"number-for-{name}", lambda body, name=name: {"json": {**body, name: 12345}}))
        if name not in endpoint.optional:
            cases.append(
                (
                    f"missing-{name}",
                    lambda body, name=name: {"json": {k: v for k, v in body.items() if k != name}},
                )
            )
    for name in endpoint.strings:
        cases.append(
            (f"oversize-{name}", lambda body, name=name: {"json": {**body, name: OVERSIZE + "@x.cn"}})
        )
    if "parent_id" in endpoint.body or "new_parent_id" in endpoint.body:
        key = "parent_id" if "parent_id" in endpoint.body else "new_parent_id"
        cases.append(("invalid-uuid-in-body", lambda body, key=key: {"json": {**body, key: "not-a-uuid"}}))
    return cases


BODY_CASES = [
    pytest.param(endpoint, case, build, id=f"{endpoint.name}:{case}")
    for endpoint in JSON_ENDPOINTS
    for case, build in bad_bodies(endpoint)
]

ID_PATHS = [
    ("GET", "/v1/tenants/{bad}", "district_admin"),
    ("PATCH", "/v1/tenants/{bad}", "district_admin"),
    ("POST", "/v1/tenants/{bad}/move", "district_admin"),
    ("POST", "/v1/tenants/{bad}/deactivate", "district_admin"),
    ("GET", "/v1/tenants/{bad}/invitations", "tenant_admin"),
    ("POST", "/v1/tenants/{bad}/invitations", "tenant_admin"),
    ("POST", "/v1/tenants/{bad}/invitations/{invitation}/revoke", "tenant_admin"),
    ("POST", "/v1/tenants/{committee}/invitations/{bad}/revoke", "tenant_admin"),
    ("GET", "/v1/tenants/{bad}/memberships", "tenant_admin"),
    ("POST", "/v1/memberships/{bad}/revoke", "tenant_admin"),
]
BAD_IDS = ["not-a-uuid", "1234", "00000000-0000-0000-0000-00000000000g", "x" * 300, "%F0%9F%92%A9"]
VALID_BODIES = {
    "PATCH /v1/tenants/{bad}": {"name": "新名字"},
    "POST /v1/tenants/{bad}/move": {"new_parent_id": "{other_town}"},
    "POST /v1/tenants/{bad}/deactivate": {"reason": "撤并"},
    "POST /v1/tenants/{bad}/invitations": {
        "email": "x-{slug}@test.linli.cn",
        "display_name": "某",
        "role": "staff",
    },
}

QUERY_CASES = [
    ("/v1/tenants", "district_admin", {"include_inactive": "maybe"}),
    ("/v1/tenants/{committee}/memberships", "tenant_admin", {"include_revoked": "sometimes"}),
    ("/v1/audit-log", "tenant_admin", {"limit": "ten"}),
    ("/v1/audit-log", "tenant_admin", {"limit": "0"}),
    ("/v1/audit-log", "tenant_admin", {"limit": "201"}),
    ("/v1/audit-log", "tenant_admin", {"limit": "1e3"}),
    ("/v1/audit-log", "tenant_admin", {"tenant_id": "not-a-uuid"}),
    ("/v1/audit-log", "tenant_admin", {"before": "x" * 201}),
    ("/v1/audit-log", "tenant_admin", {"action": "a" * 65}),
]

FORM_CASES = [
    (
        "json-instead-of-form",
        {"json": {"grant_type": "client_credentials", "client_id": "a", "client_secret": "b"}},
    ),
    ("missing-secret", {"data": {"grant_type": "client_credentials", "client_id": "a"}}),
    ("wrong-grant-type", {"data": {"grant_type": "password", "client_id": "a", "client_secret": "b"}}),
    (
        "oversize-client-id",
        {"data": {"grant_type": "client_credentials", "client_id": "a" * 65, "client_secret": "b"}},
    ),
    (
        "oversize-secret",
        {"data": {"grant_type": "client_credentials", "client_id": "a", "client_secret": "b" * 201}},
    ),
    (
        "empty-client-id",
        {"data": {"grant_type": "client_credentials", "client_id": "", "client_secret": "b"}},
    ),
]


@pytest.fixture
def snapshot(postgres_admin_url, identity_urls, stage):
    """Everything the world's subtree and its people own, read past row-level security."""
    database = make_url(identity_urls.app).database
    url = make_url(postgres_admin_url).set(database=database).render_as_string(hide_password=False)
    path = stage.world.district.path
    queries = {
        "tenants": "select * from tenants where path <@ %(path)s::ltree order by id",
        "memberships": "select * from memberships where tenant_path <@ %(path)s::ltree order by id",
        "invitations": "select * from invitations where tenant_path <@ %(path)s::ltree order by id",
        "audit_log": "select * from audit_log where tenant_path <@ %(path)s::ltree order by id",
        "users": "select * from users where id in (select user_id from memberships"
        " where tenant_path <@ %(path)s::ltree) or email = %(email)s order by id",
        "refresh_tokens": "select * from refresh_tokens where user_id in (select user_id from memberships"
        " where tenant_path <@ %(path)s::ltree) order by id",
        "revoked_access_tokens": "select * from revoked_access_tokens where user_id in (select user_id"
        " from memberships where tenant_path <@ %(path)s::ltree) order by jti",
    }

    def take():
        with psycopg.connect(url) as connection:
            params = {"path": path, "email": stage.invitation_email}
            return {table: connection.execute(query, params).fetchall() for table, query in queries.items()}

    return take


def assert_problem(response, status=None):
    assert 400 <= response.status_code < 500, response.text
    if status is not None:
        assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    body = response.json()
    assert isinstance(body["type"], str)
    assert body["type"]
    assert isinstance(body["title"], str)
    assert body["title"]
    assert body["status"] == response.status_code
    if body["type"].endswith("/validation"):
        assert body["errors"], body
        assert all(isinstance(error["field"], str) and error["field"] for error in body["errors"])
    return body


@pytest.mark.parametrize("endpoint", JSON_ENDPOINTS, ids=[endpoint.name for endpoint in JSON_ENDPOINTS])
def test_the_valid_bodies_are_accepted(client, stage, endpoint):
    """The control: each endpoint's valid body is accepted (else the bad cases below would prove nothing)."""
    ids = ids_of(stage)
    body = {name: render(value, ids) for name, value in endpoint.body.items()}
    headers = stage.headers[endpoint.actor] if endpoint.actor else {}
    response = client.request(endpoint.method, endpoint.path.format(**ids), json=body, headers=headers)
    assert response.status_code < 300, response.text


@pytest.mark.parametrize(("endpoint", "case", "build"), BODY_CASES)
def test_bad_bodies_are_refused_and_write_nothing(client, stage, snapshot, endpoint, case, build):
    ids = ids_of(stage)
    body = {name: render(value, ids) for name, value in endpoint.body.items()}
    request = build(body)
    headers = {**(stage.headers[endpoint.actor] if endpoint.actor else {}), **request.pop("headers", {})}
    before = snapshot()

    response = client.request(endpoint.method, endpoint.path.format(**ids), headers=headers, **request)

    problem = assert_problem(response, 413 if case == "too-large" else 422)
    if case != "too-large":
        assert problem["type"].endswith("/validation")
    assert snapshot() == before


STORED_TEXT = {"email", "name", "reason", "display_name"}
NUL_CASES = [
    pytest.param(endpoint, name, id=f"{endpoint.name}:{name}")
    for endpoint in JSON_ENDPOINTS
    for name in endpoint.strings
]


@pytest.mark.parametrize(("endpoint", "name"), NUL_CASES)
def test_nul_bytes_never_reach_the_database(client, stage, endpoint, name):
    """PostgreSQL refuses NUL in text: stored text must be refused up front (passwords and tokens, which are
    only hashed, may be merely wrong)."""
    ids = ids_of(stage)
    body = {key: render(value, ids) for key, value in endpoint.body.items()}
    body[name] = "a\x00b@test.linli.cn" if "email" in name else "名字\x00后缀 long enough"
    headers = stage.headers[endpoint.actor] if endpoint.actor else {}
    response = client.request(endpoint.method, endpoint.path.format(**ids), headers=headers, json=body)
    if name in STORED_TEXT:
        assert_problem(response, 422)
    else:
        assert response.status_code < 500, response.text


@pytest.mark.parametrize(
    ("path", "actor", "params"),
    [("/v1/audit-log", "tenant_admin", {"action": "tenant.created\x00"})],
)
def test_nul_bytes_in_query_parameters_are_refused(client, stage, path, actor, params):
    assert_problem(client.get(path, headers=stage.headers[actor], params=params), 422)


def test_nul_bytes_in_a_client_id_are_refused(client):
    form = {"grant_type": "client_credentials", "client_id": "svc\x00", "client_secret": "secret"}
    assert_problem(client.post("/v1/oauth/token", data=form), 422)


@pytest.mark.parametrize("bad", BAD_IDS)
@pytest.mark.parametrize(("method", "path", "actor"), ID_PATHS, ids=[f"{m} {p}" for m, p, _ in ID_PATHS])
def test_invalid_ids_are_refused_and_write_nothing(client, stage, snapshot, method, path, actor, bad):
    ids = {**ids_of(stage), "bad": bad}
    body = VALID_BODIES.get(f"{method} {path}")
    kwargs = {"json": {name: render(value, ids) for name, value in body.items()}} if body else {}
    before = snapshot()

    response = client.request(method, path.format(**ids), headers=stage.headers[actor], **kwargs)

    # an id that cannot even be routed is a 404; one that routes but is not a UUID is a validation error
    problem = assert_problem(response)
    assert response.status_code in (404, 422)
    if response.status_code == 422:
        assert any(error["field"].startswith("path.") for error in problem["errors"])
    assert snapshot() == before


@pytest.mark.parametrize(
    ("path", "actor", "params"), QUERY_CASES, ids=[f"{p}?{q}" for p, _, q in QUERY_CASES]
)
def test_invalid_query_parameters_are_refused(client, stage, path, actor, params):
    response = client.get(path.format(**ids_of(stage)), headers=stage.headers[actor], params=params)
    problem = assert_problem(response, 422)
    assert any(error["field"].startswith("query.") for error in problem["errors"])


@pytest.mark.parametrize(("case", "request_kwargs"), FORM_CASES, ids=[case for case, _ in FORM_CASES])
def test_bad_client_credential_requests_are_refused(client, case, request_kwargs):
    assert_problem(client.post("/v1/oauth/token", **request_kwargs), 422)


def test_an_unknown_route_and_a_wrong_method_are_problems(client, stage):
    assert_problem(client.get("/v1/nothing-here"), 404)
    assert_problem(
        client.delete(f"/v1/tenants/{stage.world.committee.id}", headers=stage.headers["district_admin"]), 405
    )
