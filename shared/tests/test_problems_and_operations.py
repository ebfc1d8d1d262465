"""The pieces every service app gets from `wire_common`: problem+json, health, readiness, metrics, limits."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel

from linli_shared.app import wire_common
from linli_shared.problems import Conflict

pytestmark = pytest.mark.unit


class FakeDatabase:
    """Readiness only needs something to ping; the real one is covered by the services' tests."""

    def __init__(self, up: bool) -> None:
        self.up = up
        self.engine = self

    def connect(self):
        if not self.up:
            raise ConnectionError("database down")
        return self

    def __enter__(self):
        return self

    def __exit__(self, *_: object) -> None:
        return None

    def execute(self, *_: object) -> None:
        return None


class Body(BaseModel):
    name: str


def make_client(up: bool = True) -> TestClient:
    app = FastAPI()
    database = FakeDatabase(up)
    wire_common(app, "test", database, max_request_bytes=2048)  # type: ignore[arg-type]

    @app.post("/things")
    def create(body: Body) -> Body:
        if body.name == "taken":
            raise Conflict("That name is taken.")
        return body

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    return TestClient(app, raise_server_exceptions=False)


def test_validation_errors_are_problems_with_fields():
    response = make_client().post("/things", json={"name": 3})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"].endswith("/validation")
    assert body["errors"][0]["field"] == "body.name"


def test_domain_errors_keep_their_type_and_detail():
    body = make_client().post("/things", json={"name": "taken"}).json()
    assert (body["status"], body["type"].rsplit("/", 1)[1], body["detail"]) == (
        409,
        "conflict",
        "That name is taken.",
    )


def test_crashes_are_generic_problems_without_internals():
    response = make_client().get("/boom")
    assert response.status_code == 500
    assert "secret" not in response.text
    assert response.json()["type"].endswith("/internal")


def test_unknown_routes_and_methods_are_problems():
    client = make_client()
    assert client.get("/nowhere").json()["status"] == 404
    assert client.put("/things").json()["status"] == 405


def test_oversize_bodies_are_refused_before_parsing():
    response = make_client().post(
        "/things", content=b"x" * 4096, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"


def test_health_readiness_and_metrics():
    client = make_client()
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").status_code == 200
    client.post("/things", json={"name": "x"})
    metrics = client.get("/metrics").text
    assert 'linli_http_requests_total{method="POST",route="/things",service="test",status="200"}' in metrics
    assert make_client(up=False).get("/readyz").status_code == 503
