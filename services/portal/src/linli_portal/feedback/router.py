"""The resident's rating page (群众评价): opened from the signed link or QR code the volunteer shows after
the service; no login, nobody's personal data, one rating per service. The evaluation service keeps every
rule (expiry, once per record, rate limits, the signed render stamp); the portal adds the honeypot."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import Response

from linli_portal.dependencies import PublicApiDep, portal_router
from linli_portal.templating import render
from linli_portal.upstreams import UpstreamError

router = portal_router(tags=["feedback"])


def resident_address(request: Request) -> dict[str, str]:
    """Whose rating this is, for the service's per-address rate limit: the resident's address, passed on
    as the forwarded-for header (the evaluation service trusts it only from the portal, see the ADR)."""
    return {"x-forwarded-for": request.client.host} if request.client else {}


@router.get("/feedback/{token}")
def rating_page(request: Request, token: str, api: PublicApiDep) -> Response:
    try:
        form = api.evaluation.get(f"/v1/feedback/{token}")
    except UpstreamError as refused:
        return render(request, "feedback/closed.html", status_code=refused.status, messages=refused.messages)
    return render(request, "feedback/rate.html", token=token, form=form, errors=[])


@router.post("/feedback/{token}")
def rate(
    request: Request,
    token: str,
    api: PublicApiDep,
    score: Annotated[int, Form(ge=1, le=5)],
    stamp: Annotated[str, Form(min_length=1, max_length=500)],
    comment: Annotated[str, Form(max_length=500)] = "",
    website: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    if website:
        # only a robot fills the field people cannot see: thank it and keep nothing
        return render(request, "feedback/thanks.html")
    try:
        api.evaluation.send(
            "POST",
            "/v1/feedback",
            json={"token": token, "score": score, "comment": comment.strip(), "stamp": stamp},
            headers=resident_address(request),
        )
    except UpstreamError as refused:
        return render(request, "feedback/closed.html", status_code=refused.status, messages=refused.messages)
    return render(request, "feedback/thanks.html")
