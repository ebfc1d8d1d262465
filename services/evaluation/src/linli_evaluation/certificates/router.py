"""Service certificates: staff issue and revoke them, readers list them and download the PDF, a volunteer
downloads their own, and anyone holding one checks it — without a login — by its serial and code."""

from __future__ import annotations

import uuid
from http import HTTPStatus
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from fastapi.responses import HTMLResponse

from linli_evaluation.access import Me, Reader, Writer
from linli_evaluation.certificates.check_page import HEADERS, check_page
from linli_evaluation.certificates.dependencies import CodeSignerDep, Settings
from linli_evaluation.certificates.exceptions import CheckNotFound
from linli_evaluation.certificates.models import CertificateStatus
from linli_evaluation.certificates.schemas import (
    CertificateCheck,
    CertificateCreate,
    CertificateOut,
    CertificatePage,
    RevokeCreate,
)
from linli_evaluation.certificates.service import CertificateService, CheckService
from linli_shared.auth import CurrentContext
from linli_shared.clock import Now
from linli_shared.dependencies import ContextSession, PublicSession
from linli_shared.openapi import PROBLEM_RESPONSES
from linli_shared.tenancy import TenantContext

router = APIRouter(tags=["certificates"], responses=PROBLEM_RESPONSES)
Cursor = Annotated[str | None, Query(max_length=400)]
Limit = Annotated[int, Query(ge=1, le=200)]
Serial = Annotated[str, Path(max_length=100)]
#: absent or wrong, the answer is the same "not found"
Code = Annotated[str, Query(max_length=64, description="the verification code printed beside the QR code")]
PDF_FILE: dict[int | str, dict[str, Any]] = {
    200: {"description": "The certificate, one A4 page", "content": {"application/pdf": {}}}
}
HTML_PAGE: dict[int | str, dict[str, Any]] = {
    200: {"description": "A zh-CN page for a phone", "content": {"text/html": {}}},
    404: {"description": "The same page, saying no such certificate", "content": {"text/html": {}}},
}


def _service(
    session: ContextSession, context: TenantContext, signer: CodeSignerDep, settings: Settings
) -> CertificateService:
    return CertificateService(session, context, signer, settings.public_url)


def _pdf(named: tuple[str, bytes]) -> Response:
    filename, content = named
    return Response(
        content=content,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )


@router.post(
    "/v1/certificates",
    status_code=HTTPStatus.CREATED,
    summary="Issue a service certificate for the hours this committee recorded for a volunteer",
)
def issue_certificate(
    body: CertificateCreate,
    context: Writer,
    session: ContextSession,
    signer: CodeSignerDep,
    settings: Settings,
    now: Now,
) -> CertificateOut:
    return _service(session, context, signer, settings).issue(body, now)


@router.get("/v1/certificates", summary="Certificates issued, newest first")
def list_certificates(
    context: Reader,
    session: ContextSession,
    signer: CodeSignerDep,
    settings: Settings,
    volunteer_id: uuid.UUID | None = None,
    status: CertificateStatus | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> CertificatePage:
    return _service(session, context, signer, settings).page(volunteer_id, status, cursor, limit)


@router.get(
    "/v1/certificates/{certificate_id}.pdf",
    response_class=Response,
    responses=PDF_FILE,
    summary="A certificate as a PDF",
)
def certificate_pdf(
    certificate_id: uuid.UUID,
    context: Reader,
    session: ContextSession,
    signer: CodeSignerDep,
    settings: Settings,
) -> Response:
    return _pdf(_service(session, context, signer, settings).pdf(certificate_id))


@router.get("/v1/certificates/{certificate_id}", summary="A certificate")
def get_certificate(
    certificate_id: uuid.UUID,
    context: Reader,
    session: ContextSession,
    signer: CodeSignerDep,
    settings: Settings,
) -> CertificateOut:
    return _service(session, context, signer, settings).get(certificate_id)


@router.post(
    "/v1/certificates/{certificate_id}/revoke",
    summary="Revoke a certificate: its public check says so from now on",
)
def revoke_certificate(
    certificate_id: uuid.UUID,
    body: RevokeCreate,
    context: Writer,
    session: ContextSession,
    signer: CodeSignerDep,
    settings: Settings,
    now: Now,
) -> CertificateOut:
    return _service(session, context, signer, settings).revoke(certificate_id, body, now)


@router.get("/v1/me/certificates", summary="My certificates, newest first")
def my_certificates(
    me: Me,
    context: CurrentContext,
    session: ContextSession,
    signer: CodeSignerDep,
    settings: Settings,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> CertificatePage:
    return _service(session, context, signer, settings).mine(me, cursor, limit)


@router.get(
    "/v1/me/certificates/{certificate_id}.pdf",
    response_class=Response,
    responses=PDF_FILE,
    summary="One of my certificates as a PDF",
)
def my_certificate_pdf(
    certificate_id: uuid.UUID,
    me: Me,
    context: CurrentContext,
    session: ContextSession,
    signer: CodeSignerDep,
    settings: Settings,
) -> Response:
    return _pdf(_service(session, context, signer, settings).my_pdf(me, certificate_id))


@router.get("/v1/me/certificates/{certificate_id}", summary="One of my certificates")
def my_certificate(
    certificate_id: uuid.UUID,
    me: Me,
    context: CurrentContext,
    session: ContextSession,
    signer: CodeSignerDep,
    settings: Settings,
) -> CertificateOut:
    return _service(session, context, signer, settings).my_certificate(me, certificate_id)


@router.get(
    "/v1/certificate-checks/{serial}",
    summary="Check a certificate by its serial and code (no login): valid or revoked; else not found",
)
def check_certificate(
    serial: Serial, session: PublicSession, signer: CodeSignerDep, code: Code = ""
) -> CertificateCheck:
    return CheckService(session, signer).check(serial, code)


@router.get(
    "/certificates/check/{serial}",
    response_class=HTMLResponse,
    responses=HTML_PAGE,
    summary="The page a certificate's QR code opens (no login)",
)
def check_certificate_page(
    serial: Serial, session: PublicSession, signer: CodeSignerDep, code: Code = ""
) -> HTMLResponse:
    try:
        check = CheckService(session, signer).check(serial, code)
    except CheckNotFound:
        return HTMLResponse(check_page(None), status_code=HTTPStatus.NOT_FOUND, headers=HEADERS)
    return HTMLResponse(check_page(check), headers=HEADERS)
