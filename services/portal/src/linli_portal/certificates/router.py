"""Service certificates (志愿服务证明): the committee's issued certificates, issuing one for the hours it
recorded itself (谁记录谁证明), a certificate's page with its QR code, the PDF, revoking — and the public
page the printed QR code opens, where anyone checks a certificate without signing in."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

import httpx
from fastapi import Form, Query, Request
from fastapi.responses import Response

from linli_portal.choices import active_volunteers
from linli_portal.dependencies import Api, ApiDep, CommitteeUser, portal_router
from linli_portal.forms import refusal_to_show
from linli_portal.i18n import gettext as _
from linli_portal.labels import N_
from linli_portal.qr import qr_data_uri
from linli_portal.sessions import flash
from linli_portal.templating import pass_through, render, see_other
from linli_portal.upstreams import UpstreamError, UpstreamUnavailable

# one router without a prefix: the committee's pages under /t/{slug}/certificates, the public check page
# at /certificates/check/{serial}, where the certificates' QR codes point
router = portal_router(tags=["certificates"])
PAGES = "/t/{slug}/certificates"

#: the identity documents a certificate may name; evaluation's codes are the documents' Chinese names
ID_TYPES = {
    "居民身份证": N_("Resident identity card"),
    "港澳台居民居住证": N_("Residence permit for Hong Kong, Macao and Taiwan residents"),
    "护照": N_("Passport"),
    "其他": N_("Other document"),
}
#: what the public check takes before it asks evaluation: the same bounds evaluation sets
SERIAL_LENGTH, CODE_LENGTH = 100, 64

OptionalDate = Annotated[date | None, Form()]


@router.get(PAGES)
def certificates(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    status: Annotated[str, Query(pattern="^(|valid|revoked)$")] = "",
    cursor: Annotated[str, Query(max_length=400)] = "",
) -> Response:
    return render(
        request,
        "certificates/list.html",
        section="certificates",
        page=api.evaluation.get("/v1/certificates", status=status, cursor=cursor, limit=50),
        status=status,
    )


def _issue_form(
    request: Request, api: Api, status_code: int = 200, form: dict[str, Any] | None = None, **extra: Any
) -> Response:
    volunteers = active_volunteers(api)
    return render(
        request,
        "certificates/new.html",
        status_code=status_code,
        section="certificates",
        volunteers=volunteers,
        id_types=ID_TYPES,
        form=form or {},
        **extra,
    )


@router.get(PAGES + "/new")
def new_certificate(
    request: Request, user: CommitteeUser, api: ApiDep, volunteer_id: uuid.UUID | None = None
) -> Response:
    return _issue_form(request, api, form={"volunteer_id": str(volunteer_id or ""), "handler": user.name})


@router.post(PAGES)
def issue(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    volunteer_id: Annotated[uuid.UUID, Form()],
    id_type: Annotated[str, Form(max_length=20)],
    id_number_masked: Annotated[str, Form(max_length=32)],
    handler: Annotated[str, Form(max_length=50)],
    purpose: Annotated[str, Form(max_length=50)] = "",
    volunteer_number: Annotated[str, Form(max_length=40)] = "",
    served_from: OptionalDate = None,
    served_to: OptionalDate = None,
) -> Response:
    body: dict[str, Any] = {
        "volunteer_id": str(volunteer_id),
        "id_type": id_type,
        "id_number_masked": id_number_masked,
        "handler": handler,
        "purpose": purpose,
        "volunteer_number": volunteer_number.strip() or None,
        "from": served_from.isoformat() if served_from else None,
        "to": served_to.isoformat() if served_to else None,
    }
    try:
        made = api.evaluation.post("/v1/certificates", {k: v for k, v in body.items() if v is not None})
    except UpstreamError as refused:
        errors = refused.messages
        if any(str(error.get("field", "")).endswith("id_number_masked") for error in refused.errors):
            # most often a number typed in full: evaluation never keeps one; say in words how to mask it
            errors = [_("Type the ID number masked, e.g. 310101********123X."), *errors]
        return _issue_form(request, api, status_code=refused.status, form=body, errors=errors)
    flash(request, _("Certificate issued."))
    return see_other(f"/t/{user.slug}/certificates/{made['id']}")


# the PDF's route first: `/{certificate_id}` would otherwise take `….pdf` and refuse it as no id
@router.get(PAGES + "/{certificate_id}.pdf")
def certificate_pdf(
    request: Request, user: CommitteeUser, api: ApiDep, certificate_id: uuid.UUID
) -> Response:
    return pass_through(api.evaluation.download(f"/v1/certificates/{certificate_id}.pdf"))


def _certificate_page(
    request: Request, api: Api, certificate_id: uuid.UUID, status_code: int = 200, **extra: Any
) -> Response:
    certificate = api.evaluation.get(f"/v1/certificates/{certificate_id}")
    return render(
        request,
        "certificates/certificate.html",
        status_code=status_code,
        section="certificates",
        certificate=certificate,
        id_types=ID_TYPES,
        qr=qr_data_uri(certificate["check_url"]),
        **extra,
    )


@router.get(PAGES + "/{certificate_id}")
def certificate(request: Request, user: CommitteeUser, api: ApiDep, certificate_id: uuid.UUID) -> Response:
    return _certificate_page(request, api, certificate_id)


@router.post(PAGES + "/{certificate_id}/revoke")
def revoke(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    certificate_id: uuid.UUID,
    reason: Annotated[str, Form(max_length=500)],
) -> Response:
    try:
        api.evaluation.post(f"/v1/certificates/{certificate_id}/revoke", {"reason": reason})
    except UpstreamError as refused:
        return _certificate_page(
            request, api, certificate_id, status_code=refusal_to_show(refused).status, errors=refused.messages
        )
    flash(request, _("Certificate revoked: its public check says so from now on."))
    return see_other(f"/t/{user.slug}/certificates/{certificate_id}")


# the public check ---------------------------------------------------------------------------------------


@router.get("/certificates/check/{serial}")
def check(request: Request, serial: str, code: str = "") -> Response:
    """No login: the serial and the code printed beside the QR code are the credential. Whatever is wrong
    (no such serial, a wrong or missing code, nonsense) gets the same 'not found' page."""
    found = None
    if len(serial) <= SERIAL_LENGTH and len(code) <= CODE_LENGTH:
        evaluation = request.app.state.upstreams.evaluation
        try:
            answer = evaluation.get(f"/v1/certificate-checks/{quote(serial, safe='')}", params={"code": code})
        except httpx.HTTPError as error:
            raise UpstreamUnavailable(f"certificate check: {error}") from error
        if answer.status_code >= 500:
            raise UpstreamUnavailable(f"certificate check → {answer.status_code}")
        if answer.status_code == 200:
            found = answer.json()
    page = render(request, "certificates/check.html", status_code=200 if found else 404, check=found)
    # a certificate's check is for whoever holds it: kept by no cache, listed by no search engine
    page.headers.update({"cache-control": "no-store", "x-robots-tag": "noindex"})
    return page
