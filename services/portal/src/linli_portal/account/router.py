"""Signing in and out, choosing the language, and the front door that sends each person to their pages."""

from __future__ import annotations

from contextlib import suppress
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from linli_portal.dependencies import portal_router
from linli_portal.i18n import LOCALE_COOKIE, LOCALES
from linli_portal.i18n import gettext as _
from linli_portal.sessions import PortalUser, end_session, session_tokens, signed_in_user, start_session
from linli_portal.templating import render
from linli_portal.upstreams import (
    Service,
    SignInAgain,
    Tokens,
    UpstreamError,
    Upstreams,
    UpstreamUnavailable,
)

router = portal_router(tags=["account"])


def safe_next(target: str | None, fallback: str) -> str:
    """Only a path on this site (never `//evil.example` or `https://…`): no open redirect after sign-in."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target


@router.get("/")
def front_door(request: Request) -> Response:
    user = signed_in_user(request)
    return RedirectResponse(user.home if user else "/login", status_code=303)


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:
    return render(request, "account/login.html", next=safe_next(next, ""), email="", errors=[])


@router.post("/login")
def login(
    request: Request,
    email: Annotated[str, Form(max_length=254)] = "",
    password: Annotated[str, Form(max_length=128)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    upstreams: Upstreams = request.app.state.upstreams
    identifier = email.strip()
    field = "phone" if identifier.isdigit() else "email"

    def refused() -> Response:
        return render(
            request,
            "account/login.html",
            status_code=400,
            next=safe_next(next, ""),
            email=identifier,
            errors=[_("The email or phone number and password do not match.")],
        )

    if not identifier or not password:
        return refused()
    try:
        answer = identity_as(upstreams, None).post(
            "/v1/auth/login", {field: identifier, "password": password}
        )
    except UpstreamError:
        # identity says the same for an unknown account, a wrong password and a locked one
        return refused()
    user = sign_in(request, upstreams, answer)
    return RedirectResponse(safe_next(next, user.home), status_code=303)


def identity_as(upstreams: Upstreams, tokens: Tokens | None) -> Service:
    """Identity called with these tokens (or none) before there is a session to keep them in."""
    return Service(upstreams.identity, lambda: tokens, lambda: False)


def sign_in(request: Request, upstreams: Upstreams, answer: dict[str, Any]) -> PortalUser:
    """A fresh session for the person identity just gave tokens to (a login, an accepted invitation)."""
    tokens = Tokens(access=answer["access_token"], refresh=answer["refresh_token"])
    user = who_is(upstreams, tokens)
    start_session(request, user, tokens)
    return user


def who_is(upstreams: Upstreams, tokens: Tokens) -> PortalUser:
    """The person behind fresh tokens, and the node they act at (its slug makes their portal's URL)."""
    identity = identity_as(upstreams, tokens)
    me: dict[str, Any] = identity.get("/v1/me")
    acting = next(
        m for m in me["memberships"] if m["tenant_id"] == me["tenant_id"] and m["role"] == me["role"]
    )
    slug = "" if me["role"] == "volunteer" else identity.get(f"/v1/tenants/{me['tenant_id']}")["slug"]
    return PortalUser(
        user_id=str(me["user_id"]),
        name=me["display_name"],
        role=me["role"],
        tenant_id=str(me["tenant_id"]),
        tenant_name=acting["tenant_name"],
        tenant_kind=acting["tenant_kind"],
        slug=slug,
    )


@router.post("/logout")
def logout(request: Request) -> Response:
    upstreams: Upstreams = request.app.state.upstreams
    tokens = session_tokens(request)
    end_session(request)
    if tokens is not None:
        # the tokens stop working at identity too, not only in this browser (already over: nothing to do)
        with suppress(UpstreamError, UpstreamUnavailable, SignInAgain):
            identity_as(upstreams, tokens).post("/v1/auth/logout", {"refresh_token": tokens.refresh})
    return RedirectResponse("/login", status_code=303)


@router.post("/language")
def choose_language(
    request: Request,
    locale: Annotated[str, Form(max_length=8)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    response = RedirectResponse(safe_next(next, "/"), status_code=303)
    if locale in LOCALES:
        secure = request.app.state.settings.secure_cookies
        response.set_cookie(
            LOCALE_COOKIE, locale, max_age=365 * 86400, httponly=True, samesite="lax", secure=secure
        )
    return response
