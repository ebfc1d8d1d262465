"""Bad input on every roster endpoint: a 4xx problem+json with a machine-readable body, and nothing written."""

import base64
import json
import uuid
from dataclasses import dataclass
from datetime import timedelta

import psycopg
import pytest
from sqlalchemy.engine import make_url

from linli_shared.clock import shanghai_today
from linli_shared.problems import PROBLEM_JSON

OVERSIZE = "长" * 5000
TOMORROW = (shanghai_today() + timedelta(days=1)).isoformat()


@dataclass
class Stage:
    """A committee with a map, an active volunteer holding a role, and an exited volunteer."""

    world: object
    headers: dict[str, str]
    ids: dict[str, str]


@pytest.fixture
def stage(roster_client, world, login, sync_directory):
    sync_directory()
    headers = login("tenant_admin")

    def post(path, body):
        response = roster_client.post(path, json=body, headers=headers)
        assert response.status_code in (200, 201), response.text
        return response.json()

    grid = post("/v1/areas", {"kind": "grid", "name": "一网格"})["id"]
    micro = post("/v1/areas", {"kind": "micro_grid", "name": "一微格", "parent_id": grid})["id"]
    building = post("/v1/areas", {"kind": "building", "name": "1号楼", "parent_id": micro})["id"]
    person = {"name": "甲", "phone": "13800000001", "joined_on": "2024-01-01", "channel": "self_recommended"}
    volunteer = post("/v1/volunteers", person)["id"]
    role = post(f"/v1/volunteers/{volunteer}/roles", {"role": "mediator", "starts_on": "2025-01-01"})["roles"]
    exited = post("/v1/volunteers", {**person, "name": "乙", "phone": "13800000002"})["id"]
    post(f"/v1/volunteers/{exited}/exit", {"kind": "voluntary", "reason": "x"})
    ids = {
        "grid": grid,
        "micro": micro,
        "building": building,
        "volunteer": volunteer,
        "role": role[0]["id"],
        "exited": exited,
    }
    return Stage(world=world, headers=headers, ids=ids)


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str  # formatted with the stage's ids
    body: dict  # a valid body, formatted with the stage's ids; the bad cases break it one way each
    strings: tuple[str, ...] = ()  # string fields, to oversize
    optional: tuple[str, ...] = ()  # fields a valid body may leave out


JSON_ENDPOINTS = [
    Endpoint(
        "register",
        "POST",
        "/v1/volunteers",
        {
            "name": "新人",
            "phone": "13900000003",
            "id_number": "31011619800101123X",
            "building_id": "{building}",
            "skills": ["急救"],
            "availability": "周末",
            "party_member": True,
            "joined_on": "2024-05-01",
            "channel": "two_way_selection",
        },
        ("name", "phone", "id_number", "availability"),
        ("id_number", "building_id", "skills", "availability", "party_member"),
    ),
    Endpoint(
        "update",
        "PATCH",
        "/v1/volunteers/{volunteer}",
        {"name": "改名", "phone": "13900000004", "id_number": "310116198001011234", "skills": ["消防"]},
        ("name", "phone", "id_number"),
        ("name", "phone", "id_number", "skills"),
    ),
    Endpoint(
        "tier", "POST", "/v1/volunteers/{volunteer}/tier", {"tier": "backbone", "reason": "骨干"}, ("reason",)
    ),
    Endpoint(
        "assign-role",
        "POST",
        "/v1/volunteers/{volunteer}/roles",
        {
            "role": "micro_grid_leader",
            "area_id": "{micro}",
            "scope_note": "一微格",
            "starts_on": "2025-02-01",
        },
        ("scope_note",),
        ("scope_note",),
    ),
    Endpoint(
        "end-role",
        "POST",
        "/v1/volunteers/{volunteer}/roles/{role}/end",
        {"ends_on": "2025-06-01", "reason": "任期届满"},
        ("reason",),
    ),
    Endpoint(
        "exit",
        "POST",
        "/v1/volunteers/{volunteer}/exit",
        {"kind": "voluntary", "reason": "搬家"},
        ("reason",),
    ),
    Endpoint("rejoin", "POST", "/v1/volunteers/{exited}/rejoin", {"reason": "回来"}, ("reason",)),
    Endpoint(
        "create-area",
        "POST",
        "/v1/areas",
        {
            "kind": "building",
            "name": "2号楼",
            "parent_id": "{micro}",
            "responsible_volunteer_id": "{volunteer}",
        },
        ("name",),
        ("responsible_volunteer_id",),
    ),
    Endpoint(
        "update-area",
        "PATCH",
        "/v1/areas/{grid}",
        {"name": "东网格", "responsible_volunteer_id": "{volunteer}"},
        ("name",),
        ("name", "responsible_volunteer_id"),
    ),
]

#: field → values that are the right JSON type but not acceptable
DOMAIN_CASES = {
    "phone": [
        "1380000123",
        "138000012345",
        "23800001234",
        "12800001234",
        "138-0000-1234",
        "+8613800001234",
        "13８00001234",
        "13٨٠٠٠٠١٢٣٤",
        "",
    ],
    "id_number": [
        "3101161980010112",
        "3101161980010112345",
        "31011619800101123Y",
        "X10116198001011234",
        "3101161980010112３4",
        "",
    ],
    "joined_on": [TOMORROW, "2024-02-30", "2024/01/01", "yesterday", ""],
    "starts_on": ["2025-13-01", "", "今天"],
    "ends_on": ["2025-06-31", ""],
    "name": ["", "   ", "名字\x00后缀", "a\x07b"],
    "reason": ["", "   ", "原因\x00"],
    "skills": [["x" * 31], [""], ["技能"] * 21, "急救", [1]],
    "tier": ["star", ""],
    "role": ["mayor", ""],
    "kind": ["district", "involuntary", ""],
    "channel": ["wechat", ""],
    "party_member": ["maybe"],
    "building_id": ["not-a-uuid", "1234"],
    "area_id": ["not-a-uuid"],
    "parent_id": ["not-a-uuid"],
    "responsible_volunteer_id": ["not-a-uuid", ""],
    "availability": ["周末\x00"],
    "scope_note": ["x" * 101, "备注\x00"],
}


def render(value, ids):
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, list):
        return [render(item, ids) for item in value]
    return value


def bad_bodies(endpoint):
    """(case name, request kwargs builder) for every way this endpoint's body can be broken."""

    def raw(content, content_type="application/json"):
        return lambda body: {"content": content, "headers": {"content-type": content_type}}

    cases = [
        ("malformed-json", raw(b'{"name": "unterminated')),
        ("trailing-garbage", raw(b'{"name": "x"} }')),
        ("not-an-object", lambda body: {"json": [body]}),
        ("a-bare-string", lambda body: {"json": "hello"}),
        ("null", raw(b"null")),
        ("empty-body", raw(b"")),
        ("not-utf8", raw(b'{"name": "\xff\xfe"}')),
        (
            "not-json-content-type",
            lambda body: {"content": json.dumps(body).encode(), "headers": {"content-type": "text/plain"}},
        ),
        ("unknown-field", lambda body: {"json": {**body, "tenant_id": str(uuid.uuid4())}}),
        ("too-large", raw(b'{"name": "' + b"x" * 1_100_000 + b'"}')),
    ]
    for name in endpoint.body:
        if not isinstance(endpoint.body[name], list):
            cases.append(
                (f"list-for-{name}", lambda body, name=name: {"json": {**body, name: ["not", "a", "value"]}})
            )
        cases.append((f"object-for-{name}", lambda body, name=name: {"json": {**body, name: {"a": 1}}}))
        cases.append((f"number-for-{name}", lambda body, name=name: {"json": {**body, name: 12345}}))
        if name not in endpoint.optional:
            cases.append(
                (
                    f"missing-{name}",
                    lambda body, name=name: {"json": {k: v for k, v in body.items() if k != name}},
                )
            )
            cases.append((f"null-{name}", lambda body, name=name: {"json": {**body, name: None}}))
        for index, value in enumerate(DOMAIN_CASES.get(name, [])):
            cases.append(
                (f"bad-{name}-{index}", lambda body, name=name, value=value: {"json": {**body, name: value}})
            )
    for name in endpoint.strings:
        cases.append((f"oversize-{name}", lambda body, name=name: {"json": {**body, name: OVERSIZE}}))
    return cases


@pytest.fixture
def snapshot(postgres_admin_url, roster_urls, stage):
    """Everything the world owns in the roster database, read past row-level security."""
    database = make_url(roster_urls.app).database
    url = make_url(postgres_admin_url).set(database=database).render_as_string(hide_password=False)
    queries = {
        table: f"select * from {table} where tenant_path <@ %(path)s::ltree order by id"
        for table in ("areas", "volunteers", "volunteer_roles", "volunteer_changes")
    }
    queries["outbox"] = (
        "select * from outbox where (event->>'tenantpath')::ltree <@ %(path)s::ltree order by id"
    )
    with psycopg.connect(url, autocommit=True) as connection:

        def take():
            params = {"path": stage.world.district.path}
            return {table: connection.execute(query, params).fetchall() for table, query in queries.items()}

        yield take


def problem_of(response, status):
    """The problem document, or why the response is not the expected 4xx problem+json."""
    if response.status_code not in status:
        return f"status {response.status_code}: {response.text[:300]}"
    if response.headers["content-type"] != PROBLEM_JSON:
        return f"content-type {response.headers['content-type']}"
    body = response.json()
    if not (isinstance(body.get("type"), str) and body["type"] and isinstance(body.get("title"), str)):
        return f"not a problem: {body}"
    if body["status"] != response.status_code:
        return f"status field {body['status']}"
    if body["type"].endswith("/validation") and not (
        body.get("errors") and all(isinstance(e["field"], str) and e["field"] for e in body["errors"])
    ):
        return f"validation without fields: {body}"
    return body


def assert_problem(response, status=None):
    wanted = (status,) if status is not None else tuple(range(400, 500))
    problem = problem_of(response, wanted)
    assert isinstance(problem, dict), problem
    return problem


@pytest.mark.parametrize("endpoint", JSON_ENDPOINTS, ids=[endpoint.name for endpoint in JSON_ENDPOINTS])
def test_the_valid_bodies_are_accepted(roster_client, stage, endpoint):
    """The control: each endpoint's valid body is accepted (else the bad cases below would prove nothing)."""
    body = {name: render(value, stage.ids) for name, value in endpoint.body.items()}
    response = roster_client.request(
        endpoint.method, endpoint.path.format(**stage.ids), json=body, headers=stage.headers
    )
    assert response.status_code < 300, response.text


@pytest.mark.parametrize("endpoint", JSON_ENDPOINTS, ids=[endpoint.name for endpoint in JSON_ENDPOINTS])
def test_bad_bodies_are_refused_and_write_nothing(roster_client, stage, snapshot, endpoint):
    """Every case of one endpoint against one stage (a stage per case would make this file slow)."""
    body = {name: render(value, stage.ids) for name, value in endpoint.body.items()}
    before = snapshot()
    failures = []
    for case, build in bad_bodies(endpoint):
        request = build(body)
        headers = {**stage.headers, **request.pop("headers", {})}
        response = roster_client.request(
            endpoint.method, endpoint.path.format(**stage.ids), headers=headers, **request
        )
        status = {"too-large": (413,), "not-utf8": (400, 422)}.get(case, (422,))
        problem = problem_of(response, status)
        if not isinstance(problem, dict):
            failures.append(f"{case}: {problem}")
        elif snapshot() != before:
            failures.append(f"{case}: something was written")
            before = snapshot()
    assert failures == []


ID_PATHS = [
    ("GET", "/v1/volunteers/{bad}"),
    ("PATCH", "/v1/volunteers/{bad}"),
    ("GET", "/v1/volunteers/{bad}/history"),
    ("POST", "/v1/volunteers/{bad}/tier"),
    ("POST", "/v1/volunteers/{bad}/roles"),
    ("POST", "/v1/volunteers/{bad}/roles/{role}/end"),
    ("POST", "/v1/volunteers/{volunteer}/roles/{bad}/end"),
    ("POST", "/v1/volunteers/{bad}/exit"),
    ("POST", "/v1/volunteers/{bad}/rejoin"),
    ("PATCH", "/v1/areas/{bad}"),
]
BAD_IDS = ["not-a-uuid", "1234", "00000000-0000-0000-0000-00000000000g", "x" * 300, "%F0%9F%92%A9", "%00"]
VALID_BODIES = {
    "PATCH /v1/volunteers/{bad}": {"name": "改名"},
    "POST /v1/volunteers/{bad}/tier": {"tier": "backbone", "reason": "x"},
    "POST /v1/volunteers/{bad}/roles": {"role": "mediator", "starts_on": "2025-01-01"},
    "POST /v1/volunteers/{bad}/roles/{role}/end": {"ends_on": "2025-06-01", "reason": "x"},
    "POST /v1/volunteers/{volunteer}/roles/{bad}/end": {"ends_on": "2025-06-01", "reason": "x"},
    "POST /v1/volunteers/{bad}/exit": {"kind": "voluntary", "reason": "x"},
    "POST /v1/volunteers/{bad}/rejoin": {"reason": "x"},
    "PATCH /v1/areas/{bad}": {"name": "改名"},
}


def test_invalid_ids_are_refused_and_write_nothing(roster_client, stage, snapshot):
    before = snapshot()
    failures = []
    for method, path in ID_PATHS:
        body = VALID_BODIES.get(f"{method} {path}")
        for bad in BAD_IDS:
            response = roster_client.request(
                method,
                path.format(**stage.ids, bad=bad),
                headers=stage.headers,
                **({"json": body} if body else {}),
            )
            # an id that cannot even be routed is a 404; one that routes but is not a UUID is a validation error
            problem = problem_of(response, (404, 422))
            if not isinstance(problem, dict):
                failures.append(f"{method} {path} {bad!r}: {problem}")
            elif response.status_code == 422 and not any(
                error["field"].startswith("path.") for error in problem["errors"]
            ):
                failures.append(f"{method} {path} {bad!r}: not blamed on the path")
    assert failures == []
    assert snapshot() == before


def test_unknown_ids_are_not_found_and_write_nothing(roster_client, stage, snapshot):
    before = snapshot()
    unknown = str(uuid.uuid4())
    for method, path in ID_PATHS:
        body = VALID_BODIES.get(f"{method} {path}")
        response = roster_client.request(
            method,
            path.format(**stage.ids, bad=unknown),
            headers=stage.headers,
            **({"json": body} if body else {}),
        )
        assert_problem(response, 404)
    newcomer = {"name": "新", "phone": "13900000009", "joined_on": "2024-01-01", "channel": "imported"}
    assert_problem(
        roster_client.post(
            "/v1/volunteers", json={**newcomer, "building_id": unknown}, headers=stage.headers
        ),
        404,
    )
    assert_problem(
        roster_client.patch(
            f"/v1/volunteers/{stage.ids['volunteer']}", json={"building_id": unknown}, headers=stage.headers
        ),
        404,
    )
    assert_problem(
        roster_client.post(
            "/v1/areas", json={"kind": "micro_grid", "name": "x", "parent_id": unknown}, headers=stage.headers
        ),
        404,
    )
    assert_problem(
        roster_client.patch(
            f"/v1/areas/{stage.ids['grid']}",
            json={"responsible_volunteer_id": unknown},
            headers=stage.headers,
        ),
        404,
    )
    assert snapshot() == before


def _cursor(value) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


SOME_ID = "5b0c6c1e-9d0f-4c55-9a59-7f4f4b0f1a10"
QUERY_CASES = [
    {"limit": "ten"},
    {"limit": "0"},
    {"limit": "201"},
    {"limit": "1e3"},
    {"limit": "-1"},
    {"status": "gone"},
    {"tier": "gold"},
    {"role": "mayor"},
    {"area_id": "not-a-uuid"},
    {"name": ""},
    {"name": "x" * 51},
    {"name": "甲\x00"},
    {"phone_suffix": "12"},
    {"phone_suffix": "123456789012"},
    {"phone_suffix": "12a4"},
    {"phone_suffix": "１２３４"},
    {"phone_suffix": "%34"},
    {"cursor": "x" * 401},
    {"cursor": "!!!not base64!!!"},
    {"cursor": "bm90IGpzb24"},
    {"cursor": _cursor([1, 2])},
    {"cursor": _cursor(["甲", 2])},
    {"cursor": _cursor(["甲", None])},
    {"cursor": _cursor(["甲", "not-a-uuid"])},
    {"cursor": _cursor(["甲", SOME_ID, "extra"])},
    {"cursor": _cursor({"name": "甲"})},
    {"cursor": _cursor(None)},
    {"cursor": _cursor("ab")},
    {"cursor": _cursor(["甲\x00", SOME_ID])},
    {"cursor": _cursor([["甲"], SOME_ID])},
    {"cursor": base64.urlsafe_b64encode(b"\xff\xfe").decode()},
]


def test_invalid_list_parameters_are_refused(roster_client, stage):
    failures = []
    for params in QUERY_CASES:
        response = roster_client.get("/v1/volunteers", headers=stage.headers, params=params)
        problem = problem_of(response, (422,))
        if not isinstance(problem, dict):
            failures.append(f"{params}: {problem}")
        elif ("cursor" not in params or len(params["cursor"]) > 400) and not any(
            error["field"].startswith("query.") for error in problem["errors"]
        ):
            failures.append(f"{params}: not blamed on the query")
    assert failures == []


def test_a_cursor_from_another_listing_is_harmless(roster_client, stage):
    """A well-formed cursor is only a position: it never widens what the caller may see."""
    response = roster_client.get(
        "/v1/volunteers", headers=stage.headers, params={"cursor": _cursor(["", SOME_ID]), "status": "exited"}
    )
    assert response.status_code == 200, response.text
    assert [item["name"] for item in response.json()["items"]] == ["乙"]
