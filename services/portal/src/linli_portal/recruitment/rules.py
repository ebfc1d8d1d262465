"""The committee's volunteer rules (《志愿者管理办法》): every version, publishing a new one, and for each
version who has acknowledged it and which active volunteers have not yet (with a form to record a paper
acknowledgement)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import Response

from linli_portal.dependencies import Api, ApiDep, CommitteeUser, PageNotFound, portal_router
from linli_portal.forms import refusal_to_show
from linli_portal.i18n import gettext as _
from linli_portal.recruitment.common import PREFIX
from linli_portal.sessions import flash
from linli_portal.templating import render, see_other
from linli_portal.upstreams import UpstreamError
from linli_shared.clock import Now, local_date

router = portal_router(prefix=PREFIX)
Day = Annotated[str, Form(max_length=20)]


@router.get("/rules")
def rules_page(request: Request, user: CommitteeUser, api: ApiDep, now: Now) -> Response:
    return _rules_page(request, api, form={"published_on": local_date(now).isoformat()})


def _rules_page(
    request: Request,
    api: Api,
    status_code: int = 200,
    errors: list[str] | None = None,
    form: dict[str, Any] | None = None,
) -> Response:
    return render(
        request,
        "recruitment/rules.html",
        status_code=status_code,
        section="recruitment",
        tab="rules",
        versions=api.roster.get("/v1/rules"),
        errors=errors or [],
        form={"title": "", "body": "", "published_on": "", **(form or {})},
    )


@router.post("/rules")
def publish_rules(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    title: Annotated[str, Form(max_length=200)] = "",
    body: Annotated[str, Form(max_length=50_000)] = "",
    published_on: Day = "",
) -> Response:
    form = {"title": title, "body": body, "published_on": published_on}
    try:
        made = api.roster.post("/v1/rules", form)
    except UpstreamError as refused:
        return _rules_page(request, api, refused.status, refused.messages, form)
    flash(request, _("Version %(version)s of the volunteer rules published.", version=made["version"]))
    return see_other(f"/t/{user.slug}/recruitment/rules/{made['id']}")


@router.get("/rules/{document_id}")
def rules_version_page(
    request: Request, user: CommitteeUser, api: ApiDep, now: Now, document_id: uuid.UUID
) -> Response:
    return _version_page(request, api, document_id, form={"acknowledged_on": local_date(now).isoformat()})


def _version_page(
    request: Request,
    api: Api,
    document_id: uuid.UUID,
    status_code: int = 200,
    errors: list[str] | None = None,
    form: dict[str, Any] | None = None,
) -> Response:
    # the roster lists versions but has no page of one: the list is short, and a version not in it is not ours
    document = next((v for v in api.roster.get("/v1/rules") if v["id"] == str(document_id)), None)
    if document is None:
        raise PageNotFound()
    return render(
        request,
        "recruitment/rules_version.html",
        status_code=status_code,
        section="recruitment",
        tab="rules",
        document=document,
        paragraphs=[line for line in document["body"].splitlines() if line.strip()],
        status=api.roster.get(f"/v1/rules/{document_id}/acknowledgements"),
        errors=errors or [],
        form={"acknowledged_on": "", **(form or {})},
    )


@router.post("/rules/{document_id}/acknowledgements")
def record_acknowledgement(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    document_id: uuid.UUID,
    volunteer_id: Annotated[str, Form(max_length=40)] = "",
    acknowledged_on: Day = "",
) -> Response:
    body = {"volunteer_id": volunteer_id, "acknowledged_on": acknowledged_on}
    try:
        api.roster.post(f"/v1/rules/{document_id}/acknowledgements", body)
    except UpstreamError as refused:
        return _version_page(
            request, api, document_id, refusal_to_show(refused).status, refused.messages, body
        )
    flash(request, _("Acknowledgement recorded."))
    return see_other(f"/t/{user.slug}/recruitment/rules/{document_id}")
