"""Accepting an invitation: a committee's new admin, staff member or volunteer opens the one-time link they
were given (as a QR code or by WeChat), chooses a password and is signed in."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import Response

from linli_portal.account.router import identity_as, sign_in
from linli_portal.dependencies import portal_router
from linli_portal.i18n import gettext as _
from linli_portal.templating import render, see_other
from linli_portal.upstreams import UpstreamError, Upstreams

router = portal_router(tags=["invitations"])


@router.get("/invitations/accept")
def invitation_page(request: Request, token: str = "") -> Response:
    return render(request, "invitations/accept.html", token=token, errors=[])


@router.post("/invitations/accept")
def accept(
    request: Request,
    token: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=128)],
    password_again: Annotated[str, Form(max_length=128)],
    display_name: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    def again(*errors: str) -> Response:
        return render(request, "invitations/accept.html", status_code=400, token=token, errors=list(errors))

    if password != password_again:
        return again(_("The two passwords are not the same."))
    upstreams: Upstreams = request.app.state.upstreams
    body = {"token": token, "password": password}
    if display_name.strip():
        body["display_name"] = display_name.strip()
    try:
        answer = identity_as(upstreams, None).post("/v1/invitations/accept", body)
    except UpstreamError as refused:
        return again(_("This invitation cannot be accepted."), *refused.messages)
    return see_other(sign_in(request, upstreams, answer).home)
