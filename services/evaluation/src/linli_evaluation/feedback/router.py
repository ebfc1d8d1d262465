"""Residents' satisfaction over HTTP: staff print a record's feedback link; the resident's public pages
(no login: the signed link is the credential) and their JSON twin for the portal; and what staff, towns and
districts read of the ratings."""

from __future__ import annotations

import uuid
from datetime import date
from http import HTTPStatus
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse

from linli_evaluation.access import Me, Reader, Writer
from linli_evaluation.feedback.dependencies import ClientAddress, Settings, Signer
from linli_evaluation.feedback.exceptions import FeedbackRateLimited
from linli_evaluation.feedback.forms import FORM_CONTENT_TYPE, FormFields, FormInvalid, read_form
from linli_evaluation.feedback.pages import (
    HONEYPOT_FIELD,
    STAMP_FIELD,
    THANKS,
    UNREADABLE,
    form_page,
    message_page,
    problem_page,
)
from linli_evaluation.feedback.schemas import (
    MAX_COMMENT,
    FeedbackFormOut,
    FeedbackLinkOut,
    FeedbackReceipt,
    FeedbackSubmit,
    RecordRatingOut,
    SatisfactionSummary,
    VolunteerSatisfaction,
)
from linli_evaluation.feedback.service import FeedbackService, SatisfactionService, Submission
from linli_shared.auth import CurrentContext
from linli_shared.clock import Now, local_date
from linli_shared.dependencies import ContextSession, PublicSession
from linli_shared.openapi import PROBLEM_RESPONSES
from linli_shared.problems import Problem, problem_response

router = APIRouter(tags=["satisfaction"], responses=PROBLEM_RESPONSES)
_HTML = {"text/html": {"schema": {"type": "string"}}}
#: every outcome of the resident's pages is a page of its own, never problem+json
HTML_PAGES: dict[int | str, dict[str, Any]] = {
    status: {"description": description, "content": _HTML}
    for status, description in (
        (200, "The form, or thanks (also what spam is shown: it is dropped, not stored)"),
        (400, "The body is not the page's form"),
        (404, "Forged, altered or unknown link"),
        (409, "Already rated, the record voided, or the committee deactivated"),
        (410, "The link has expired"),
        (413, "Body too large"),
        (422, "The form again, with what to correct"),
        (429, "Too many ratings from this address this hour (see Retry-After)"),
    )
}
FORM_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            FORM_CONTENT_TYPE: {
                "schema": {
                    "type": "object",
                    "required": ["score", STAMP_FIELD],
                    "properties": {
                        "score": {"type": "string", "enum": ["1", "2", "3", "4", "5"]},
                        "comment": {"type": "string", "maxLength": MAX_COMMENT},
                        STAMP_FIELD: {"type": "string", "description": "the form's signed render time"},
                        HONEYPOT_FIELD: {"type": "string", "description": "left empty by people"},
                    },
                }
            }
        },
    }
}
GONE: dict[int | str, dict[str, Any]] = {
    410: {"description": "The link has expired", "content": PROBLEM_RESPONSES[404]["content"]}
}


# staff ---------------------------------------------------------------------------------------------------


@router.get(
    "/v1/records/{record_id}/feedback-link",
    summary="The signed, expiring link (and QR code) the resident served rates the service with",
)
def feedback_link(
    record_id: uuid.UUID,
    context: Writer,
    session: ContextSession,
    signer: Signer,
    settings: Settings,
    now: Now,
) -> FeedbackLinkOut:
    return FeedbackService(session, signer, settings, now).link(record_id)


@router.get("/v1/records/{record_id}/rating", summary="A record's 评价情况: the resident's rating, if any")
def record_rating(
    record_id: uuid.UUID, context: Reader, session: ContextSession, settings: Settings, now: Now
) -> RecordRatingOut:
    return SatisfactionService(session, context, settings).of_record(record_id, now)


@router.get(
    "/v1/volunteers/{volunteer_id}/satisfaction",
    summary="A volunteer's satisfaction: ratings, average, distribution, the latest comments",
)
def volunteer_satisfaction(
    volunteer_id: uuid.UUID, context: Reader, session: ContextSession, settings: Settings
) -> VolunteerSatisfaction:
    return SatisfactionService(session, context, settings).of_volunteer(volunteer_id)


@router.get("/v1/me/satisfaction", summary="My satisfaction: residents' ratings of my services")
def my_satisfaction(
    me: Me, context: CurrentContext, session: ContextSession, settings: Settings
) -> VolunteerSatisfaction:
    return SatisfactionService(session, context, settings).of(me)


@router.get(
    "/v1/satisfaction",
    summary="Satisfaction per committee (one's own, or each in a town's or district's subtree) for services "
    "in a period; this month by default",
)
def satisfaction_summary(
    context: Reader,
    session: ContextSession,
    settings: Settings,
    now: Now,
    served_from: Annotated[date | None, Query(alias="from", description="first service date")] = None,
    served_to: Annotated[date | None, Query(alias="to", description="last service date")] = None,
) -> SatisfactionSummary:
    today = local_date(now)
    first = served_from or (served_to or today).replace(day=1)
    last = served_to or max(today, first)
    return SatisfactionService(session, context, settings).summary(first, last)


# the resident's pages -------------------------------------------------------------------------------------


@router.get(
    "/feedback/{token}",
    response_class=HTMLResponse,
    responses=HTML_PAGES,
    summary="The resident's rating page (public, no login; the link is the credential)",
)
def feedback_page(
    token: str, session: PublicSession, signer: Signer, settings: Settings, now: Now
) -> HTMLResponse:
    service = FeedbackService(session, signer, settings, now)
    try:
        return form_page(service.form(service.open(token)))
    except Problem as problem:
        return problem_page(problem)


@router.post(
    "/feedback/{token}",
    response_class=HTMLResponse,
    responses=HTML_PAGES,
    openapi_extra=FORM_BODY,
    summary="The resident's rating, from the page's form (application/x-www-form-urlencoded)",
)
def submit_feedback_page(
    token: str,
    fields: FormFields,
    session: PublicSession,
    signer: Signer,
    settings: Settings,
    now: Now,
    address: ClientAddress,
) -> HTMLResponse:
    service = FeedbackService(session, signer, settings, now)
    try:
        link = service.open(token)
        form = service.form(link)
        if fields is None:
            return message_page(UNREADABLE, HTTPStatus.BAD_REQUEST)
        try:
            submission = read_form(fields, signer, link.record.record_id)
        except FormInvalid as error:
            return form_page(form, HTTPStatus.UNPROCESSABLE_ENTITY, error.message, error.score, error.comment)
        service.submit(link, submission, address)
    except Problem as problem:
        return problem_page(problem)
    return message_page(THANKS, HTTPStatus.OK)


# the portal's JSON twin -----------------------------------------------------------------------------------


@router.get(
    "/v1/feedback/{token}",
    responses=GONE,
    summary="What a feedback link asks the resident to rate, and the stamp to send the rating back with",
)
def feedback_form(
    token: str, session: PublicSession, signer: Signer, settings: Settings, now: Now
) -> FeedbackFormOut:
    service = FeedbackService(session, signer, settings, now)
    return service.form(service.open(token))


@router.post(
    "/v1/feedback",
    status_code=HTTPStatus.CREATED,
    response_model=FeedbackReceipt,
    responses=GONE,
    summary="A resident's rating through the portal: the same rules as the page (once per record, "
    "rate-limited, spam-resistant)",
)
def submit_feedback(
    body: FeedbackSubmit,
    request: Request,
    session: PublicSession,
    signer: Signer,
    settings: Settings,
    now: Now,
    address: ClientAddress,
) -> FeedbackReceipt | Response:
    service = FeedbackService(session, signer, settings, now)
    link = service.open(body.token)
    service.form(link)
    submission = Submission(
        score=body.score,
        comment=body.comment,
        rendered_at=signer.rendered_at(body.stamp, link.record.record_id),
    )
    try:
        return service.submit(link, submission, address)
    except FeedbackRateLimited as problem:
        headers = {"Retry-After": str(problem.extensions["retry_after"])}
        return problem_response(problem.status, problem.body(request.url.path), headers)
