"""What every page asks for: the signed-in user where the page belongs to them, the services acting as
that user, and a form token on every change (CSRF)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from linli_portal.sessions import (
    AREA_ROLES,
    COMMITTEE_ROLES,
    VOLUNTEER_ROLE,
    PortalUser,
    csrf_matches,
    keep_tokens,
    session_tokens,
    signed_in_user,
)
from linli_portal.upstreams import Service, SignInAgain, Tokens, Upstreams

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class SignInRequired(Exception):
    """No session: the login page, then back to where they were going."""


class PageNotFound(Exception):
    """Not here, or not theirs: the same 404 either way (another committee's pages do not exist for you)."""


class FormExpired(Exception):
    """A change without this session's form token (CSRF, or a form left open across a sign-in)."""


class Api:
    """The four services, each called with this request's user's token."""

    def __init__(self, request: Request) -> None:
        upstreams: Upstreams = request.app.state.upstreams
        self._request = request

        def tokens() -> Tokens | None:
            return session_tokens(request)

        def renew() -> bool:
            return self._renew(upstreams)

        self.identity = Service(upstreams.identity, tokens, renew)
        self.roster = Service(upstreams.roster, tokens, renew)
        self.scheduling = Service(upstreams.scheduling, tokens, renew)
        self.evaluation = Service(upstreams.evaluation, tokens, renew)

    def _renew(self, upstreams: Upstreams) -> bool:
        """Trade the refresh token for new tokens once; the old refresh token stops working."""
        tokens = session_tokens(self._request)
        if tokens is None:
            return False
        response = upstreams.identity.post("/v1/auth/refresh", json={"refresh_token": tokens.refresh})
        if response.status_code != 200:
            raise SignInAgain()
        body: dict[str, Any] = response.json()
        keep_tokens(self._request, Tokens(access=body["access_token"], refresh=body["refresh_token"]))
        return True


class PublicApi:
    """The services as a visitor without a login calls them (a resident's rating)."""

    def __init__(self, request: Request) -> None:
        upstreams: Upstreams = request.app.state.upstreams
        self.evaluation = Service(upstreams.evaluation, lambda: None, lambda: False)


def require_signed_in(request: Request) -> PortalUser:
    user = signed_in_user(request)
    if user is None:
        raise SignInRequired()
    return user


def require_committee(slug: str, user: Annotated[PortalUser, Depends(require_signed_in)]) -> PortalUser:
    """`/t/<slug>/…` is the portal of one committee: only its own admins, staff and auditors have it."""
    if user.role not in COMMITTEE_ROLES or user.slug != slug:
        raise PageNotFound()
    return user


def require_area(slug: str, user: Annotated[PortalUser, Depends(require_signed_in)]) -> PortalUser:
    """`/d/<slug>/…` is a district's or a town's portal: only its own admins have it."""
    if user.role not in AREA_ROLES or user.slug != slug:
        raise PageNotFound()
    return user


def require_volunteer(user: Annotated[PortalUser, Depends(require_signed_in)]) -> PortalUser:
    if user.role != VOLUNTEER_ROLE:
        raise PageNotFound()
    return user


async def verify_form_token(request: Request) -> None:
    """Every change carries the session's form token: a form field, or a header for scripts."""
    if request.method in SAFE_METHODS:
        return
    sent: Any = request.headers.get("x-csrf-token")
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        sent = (await request.form()).get("csrf_token")
    if not csrf_matches(request, sent):
        raise FormExpired()


def portal_router(**kwargs: Any) -> APIRouter:
    """Every page router: HTML responses, and no change without the form token."""
    return APIRouter(
        default_response_class=HTMLResponse,
        include_in_schema=False,
        dependencies=[Depends(verify_form_token)],
        **kwargs,
    )


ApiDep = Annotated[Api, Depends(Api)]
PublicApiDep = Annotated[PublicApi, Depends(PublicApi)]
SignedIn = Annotated[PortalUser, Depends(require_signed_in)]
CommitteeUser = Annotated[PortalUser, Depends(require_committee)]
AreaUser = Annotated[PortalUser, Depends(require_area)]
VolunteerUser = Annotated[PortalUser, Depends(require_volunteer)]
