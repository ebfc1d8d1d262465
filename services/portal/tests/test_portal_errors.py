"""A clear page for every failure, with the right status and never a stack trace: a service that does not
answer, a service that fails, a body too large, a page that does not exist, a method a page does not have;
and a next-page after sign-in that would leave the site is ignored."""

import httpx
import pytest
from fastapi.testclient import TestClient

from linli_portal.main import create_app
from linli_portal.upstreams import Upstreams

pytestmark = pytest.mark.integration


def portal_over(portal_settings, transport) -> TestClient:
    def client() -> httpx.Client:
        return httpx.Client(base_url="http://upstream", transport=transport)

    upstreams = Upstreams(identity=client(), roster=client(), scheduling=client(), evaluation=client())
    return TestClient(
        create_app(portal_settings, upstreams), base_url="https://testserver", raise_server_exceptions=False
    )


def sign_in_form(browser: TestClient) -> dict:
    page = browser.get("/login")
    token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    return {"csrf_token": token, "email": "someone@test.linli.cn", "password": "whatever it is"}


def test_a_service_that_does_not_answer_is_a_503_page(portal_settings):
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    browser = portal_over(portal_settings, httpx.MockTransport(refuse))
    page = browser.post("/login", data=sign_in_form(browser), follow_redirects=False)
    assert page.status_code == 503
    assert "服务暂时无响应" in page.text
    assert "Traceback" not in page.text


def test_a_failing_service_is_a_503_page_too(portal_settings):
    browser = portal_over(portal_settings, httpx.MockTransport(lambda request: httpx.Response(500)))
    page = browser.post("/login", data=sign_in_form(browser), follow_redirects=False)
    assert page.status_code == 503
    assert "Traceback" not in page.text


def test_unknown_pages_methods_and_oversized_bodies(anonymous):
    missing = anonymous.get("/no/such/page")
    assert missing.status_code == 404
    assert "页面不存在" in missing.text
    wrong_method = anonymous.http.put("/login")
    assert wrong_method.status_code == 405
    too_large = anonymous.http.post("/login", content=b"x" * 7_000_000)
    assert too_large.status_code == 413
    assert "文件或表单过大" in too_large.text


def test_signing_in_never_leads_off_the_site(browse, world, password, anonymous):
    for target in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        answer = anonymous.post(
            "/login", {"email": world.email("staff"), "password": password, "next": target}
        )
        assert answer.status_code == 303
        assert answer.headers["location"] == f"/t/{world.committee.slug}/"
        anonymous.get(answer.headers["location"])


def test_pages_carry_the_security_headers(anonymous):
    page = anonymous.get("/login")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"


def test_the_english_switch_is_remembered(anonymous):
    switched = anonymous.post("/language", {"locale": "en", "next": "/login"})
    assert switched.status_code == 303
    assert "Sign in" in anonymous.get("/login").text
    anonymous.post("/language", {"locale": "klingon", "next": "/login"})
    assert "Sign in" in anonymous.get("/login").text
