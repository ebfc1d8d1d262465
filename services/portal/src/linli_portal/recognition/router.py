"""Recognition (评优表彰): the award programmes on the committee's path, who meets a programme's criteria
in a period (with the evidence), and a nomination's way from draft through approval and public notice (公示)
to an honour. Every rule (places per committee, four eyes, objections) is evaluation's; these pages show
its answers, refusals included."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import Form, Query, Request
from fastapi.responses import Response

from linli_portal.dependencies import Api, ApiDep, CommitteeUser, portal_router
from linli_portal.forms import refusal_to_show
from linli_portal.i18n import gettext as _
from linli_portal.labels import N_
from linli_portal.sessions import PortalUser, flash
from linli_portal.templating import render, see_other
from linli_portal.upstreams import UpstreamError
from linli_shared.clock import Now, local_date

router = portal_router(prefix="/t/{slug}/recognition", tags=["recognition"])

#: `2026` for a yearly programme, `2026-Q4` for a quarterly one (evaluation checks it fits the programme)
PERIOD = r"^\d{4}(-Q[1-4])?$"
NOMINATION_STATUSES = ("draft", "submitted", "in_notice", "conferred", "rejected", "withdrawn")

Text = Annotated[str, Form(max_length=2000)]
#: why a decision may be refused: the role, or four eyes (said in words before the service's own reason)
FOUR_EYES = N_(
    "Only the committee's admin decides, and never on a nomination they made or submitted themselves."
)
Note = Annotated[str, Form(max_length=500)]


def current_period(kind: str, today: date) -> str:
    """The period a programme of this kind is in today (Shanghai): `2026`, or `2026-Q4`."""
    return str(today.year) if kind == "year" else f"{today.year}-Q{(today.month - 1) // 3 + 1}"


@router.get("")
def overview(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    status: Annotated[str, Query(pattern="^(|" + "|".join(NOMINATION_STATUSES) + ")$")] = "",
    cursor: Annotated[str, Query(max_length=400)] = "",
) -> Response:
    return render(
        request,
        "recognition/overview.html",
        section="recognition",
        programmes=api.evaluation.get("/v1/award-programmes"),
        nominations=api.evaluation.get("/v1/nominations", status=status, cursor=cursor, limit=50),
        honours=api.evaluation.get("/v1/honours", limit=20)["items"],
        status=status,
        statuses=NOMINATION_STATUSES,
    )


@router.post("/programmes")
def define_programme(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    name: Annotated[str, Form(max_length=60)],
    period_kind: Annotated[str, Form(pattern="^(year|quarter)$")],
    max_nominees: Annotated[int, Form(ge=1, le=100)],
    notice_days: Annotated[int, Form(ge=1, le=60)] = 7,
    description: Text = "",
    min_verified_hours: Annotated[float, Form(ge=0, le=100_000)] = 0,
    min_stars: Annotated[int, Form(ge=0, le=5)] = 0,
    min_average_satisfaction: Annotated[str, Form(max_length=4)] = "",
    min_ratings: Annotated[int, Form(ge=0, le=10_000)] = 0,
    require_party_member: Annotated[bool, Form()] = False,
    require_no_rejected_audit: Annotated[bool, Form()] = False,
) -> Response:
    """A committee admin defines its own programme (the district's and town's come from above)."""
    body = {
        "name": name,
        "description": description,
        "period_kind": period_kind,
        "max_nominees": max_nominees,
        "notice_days": notice_days,
        "criteria": {
            "min_verified_hours": min_verified_hours,
            "min_stars": min_stars,
            # an empty field means "not a criterion"; evaluation judges the number itself
            "min_average_satisfaction": min_average_satisfaction.strip() or None,
            "min_ratings": min_ratings,
            "require_party_member": require_party_member,
            "require_no_rejected_audit": require_no_rejected_audit,
        },
    }
    try:
        made = api.evaluation.post("/v1/award-programmes", body)
    except UpstreamError as refused:
        return render(
            request,
            "recognition/overview.html",
            status_code=refused.status,
            section="recognition",
            programmes=api.evaluation.get("/v1/award-programmes"),
            nominations=api.evaluation.get("/v1/nominations", limit=50),
            honours=api.evaluation.get("/v1/honours", limit=20)["items"],
            status="",
            statuses=NOMINATION_STATUSES,
            errors=refused.messages,
            form=body,
        )
    flash(request, _("Award programme defined."))
    return see_other(f"/t/{user.slug}/recognition/programmes/{made['id']}")


@router.get("/programmes/{programme_id}")
def programme(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    now: Now,
    programme_id: uuid.UUID,
    period: Annotated[str, Query(pattern="^$|" + PERIOD)] = "",
) -> Response:
    return _programme_page(request, api, now, programme_id, period)


def _programme_page(
    request: Request,
    api: Api,
    now: datetime,
    programme_id: uuid.UUID,
    period: str,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    found = api.evaluation.get(f"/v1/award-programmes/{programme_id}")
    period = period or current_period(found["period_kind"], local_date(now))
    try:
        candidates = api.evaluation.get(f"/v1/award-programmes/{programme_id}/candidates", period=period)
        period_errors: list[str] = []
    except UpstreamError as refused:
        # a period of the wrong kind (2026-Q4 for a yearly programme): say so, keep the programme shown
        candidates, period_errors = None, refusal_to_show(refused).messages
        status_code = max(status_code, refused.status)
    return render(
        request,
        "recognition/programme.html",
        status_code=status_code,
        section="recognition",
        programme=found,
        period=period,
        candidates=candidates,
        period_errors=period_errors,
        **extra,
    )


@router.post("/nominations")
def nominate(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    now: Now,
    programme_id: Annotated[uuid.UUID, Form()],
    period: Annotated[str, Form(pattern=PERIOD)],
    volunteer_id: Annotated[uuid.UUID, Form()],
    statement: Text,
) -> Response:
    body = {
        "programme_id": str(programme_id),
        "period": period,
        "volunteer_id": str(volunteer_id),
        "statement": statement,
    }
    try:
        made = api.evaluation.post("/v1/nominations", body)
    except UpstreamError as refused:
        return _programme_page(
            request,
            api,
            now,
            programme_id,
            period,
            status_code=refusal_to_show(refused).status,
            errors=refused.messages,
            form=body,
        )
    flash(request, _("Nomination saved as a draft. Submit it when it is ready."))
    return see_other(f"/t/{user.slug}/recognition/nominations/{made['id']}")


@router.get("/nominations/{nomination_id}")
def nomination(request: Request, user: CommitteeUser, api: ApiDep, nomination_id: uuid.UUID) -> Response:
    return _nomination_page(request, api, nomination_id)


def _nomination_page(
    request: Request, api: Api, nomination_id: uuid.UUID, status_code: int = 200, **extra: Any
) -> Response:
    return render(
        request,
        "recognition/nomination.html",
        status_code=status_code,
        section="recognition",
        nomination=api.evaluation.get(f"/v1/nominations/{nomination_id}"),
        **extra,
    )


def _act(
    request: Request,
    user: PortalUser,
    api: Api,
    nomination_id: uuid.UUID,
    path: str,
    body: dict[str, Any] | None,
    done: str,
    refused_because: str = "",
) -> Response:
    """One step of the workflow; a refusal (not yours to approve, the notice is over …) shows on the
    nomination's page, with the service's reason."""
    try:
        api.evaluation.post(f"/v1/nominations/{nomination_id}{path}", body)
    except UpstreamError as refused:
        errors = refusal_to_show(refused).messages
        if refused.status == 403 and refused_because:
            errors = [_(refused_because), *errors]
        return _nomination_page(request, api, nomination_id, status_code=refused.status, errors=errors)
    flash(request, done)
    return see_other(f"/t/{user.slug}/recognition/nominations/{nomination_id}")


@router.post("/nominations/{nomination_id}/submit")
def submit(request: Request, user: CommitteeUser, api: ApiDep, nomination_id: uuid.UUID) -> Response:
    return _act(request, user, api, nomination_id, "/submit", None, _("Nomination submitted for approval."))


@router.post("/nominations/{nomination_id}/decision")
def decide(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    nomination_id: uuid.UUID,
    approve: Annotated[bool, Form()],
    note: Note = "",
) -> Response:
    done = _("Approved: the public notice is open.") if approve else _("Nomination rejected.")
    body = {"approve": approve, "note": note}
    return _act(request, user, api, nomination_id, "/decision", body, done, refused_because=FOUR_EYES)


@router.post("/nominations/{nomination_id}/withdraw")
def withdraw(
    request: Request, user: CommitteeUser, api: ApiDep, nomination_id: uuid.UUID, reason: Note
) -> Response:
    body = {"reason": reason}
    return _act(request, user, api, nomination_id, "/withdraw", body, _("Nomination withdrawn."))


@router.post("/nominations/{nomination_id}/objections")
def object_to(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    nomination_id: uuid.UUID,
    text: Annotated[str, Form(max_length=1000)],
    by_name: Annotated[str, Form(max_length=50)],
) -> Response:
    body = {"text": text, "by_name": by_name}
    return _act(request, user, api, nomination_id, "/objections", body, _("Objection recorded."))


@router.post("/nominations/{nomination_id}/objections/{objection_id}/resolution")
def resolve(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    nomination_id: uuid.UUID,
    objection_id: uuid.UUID,
    upheld: Annotated[bool, Form()],
    note: Note,
) -> Response:
    done = _("Objection upheld: the nomination is withdrawn.") if upheld else _("Objection dismissed.")
    path = f"/objections/{objection_id}/resolution"
    return _act(request, user, api, nomination_id, path, {"upheld": upheld, "note": note}, done)
