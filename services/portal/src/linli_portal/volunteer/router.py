"""A volunteer's own pages, made for a phone: my shifts, shifts I can take, signing up and cancelling,
checking in and out by the site's QR code, my hours and star level, my records and correction requests,
my certificates. Every call acts as the volunteer, so the services show them only their own."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import Response

from linli_portal.dependencies import ApiDep, VolunteerUser, portal_router
from linli_portal.forms import refusal_to_show
from linli_portal.i18n import gettext as _
from linli_portal.sessions import flash
from linli_portal.templating import pass_through, render, see_other
from linli_portal.upstreams import UpstreamError
from linli_shared.clock import Now, local_date

router = portal_router(tags=["volunteer"])

#: how far ahead a volunteer sees shifts they could take
OPEN_SHIFT_DAYS = 30


def volunteer_tally(hours: dict[str, Any], period: str) -> dict[str, Any] | None:
    """A volunteer's own tally for one period (`all` for their lifetime, `m2026-11` for a month)."""
    return next((t for t in hours["tallies"] if t["period"] == period and t["scope"] == "volunteer"), None)


@router.get("/me/")
def my_home(request: Request, user: VolunteerUser, api: ApiDep, now: Now) -> Response:
    signups = api.scheduling.get("/v1/me/signups")
    hours = api.evaluation.get("/v1/me/hours")
    return render(
        request,
        "volunteer/home.html",
        upcoming=[s for s in signups["upcoming"] if s["status"] in ("confirmed", "waitlisted")],
        hours=hours,
        lifetime=volunteer_tally(hours, "all"),
        this_month=volunteer_tally(hours, f"m{local_date(now):%Y-%m}"),
    )


@router.get("/me/shifts")
def open_shifts(request: Request, user: VolunteerUser, api: ApiDep, now: Now) -> Response:
    today = local_date(now)
    shifts = api.scheduling.get(
        "/v1/me/open-shifts",
        **{"from": today.isoformat(), "to": (today + timedelta(days=OPEN_SHIFT_DAYS)).isoformat()},
    )
    return render(request, "volunteer/open_shifts.html", shifts=shifts)


@router.post("/me/signups")
def sign_up(
    request: Request, user: VolunteerUser, api: ApiDep, shift_id: Annotated[str, Form(max_length=40)]
) -> Response:
    made = api.scheduling.post("/v1/me/signups", {"shift_id": shift_id})
    if made["status"] == "waitlisted":
        flash(request, _("You are on the waitlist, number %(position)s.") % {"position": made["position"]})
    else:
        flash(request, _("Signed up. See you there!"))
    return see_other("/me/")


@router.post("/me/signups/{signup_id}/cancel")
def cancel(
    request: Request,
    signup_id: str,
    user: VolunteerUser,
    api: ApiDep,
    reason: Annotated[str, Form(min_length=1, max_length=500)],
) -> Response:
    api.scheduling.post(f"/v1/signups/{signup_id}/cancel", {"reason": reason})
    flash(request, _("Sign-up cancelled."))
    return see_other("/me/")


# the site's QR code opens this page on the volunteer's phone ---------------------------------------------


@router.get("/check-in")
def scanned(request: Request, user: VolunteerUser, api: ApiDep, code: str = "") -> Response:
    """The page the site's QR code opens. Already in on a shift → the natural next step is checking out."""
    attendance = api.scheduling.get("/v1/me/attendance")
    open_visit = next((a for a in attendance if a["checked_out_at"] is None), None)
    return render(request, "volunteer/scan.html", code=code, open_visit=open_visit, errors=[])


@router.post("/check-in")
def check_in_or_out(
    request: Request,
    user: VolunteerUser,
    api: ApiDep,
    code: Annotated[str, Form(min_length=1, max_length=600)],
    action: Annotated[str, Form(pattern="^(check-in|check-out)$")],
) -> Response:
    try:
        visit = api.scheduling.post(f"/v1/me/{action}", {"code": code})
    except UpstreamError as refused:
        return render(
            request,
            "volunteer/scan.html",
            status_code=refusal_to_show(refused).status,
            code=code,
            open_visit=None,
            errors=refused.messages,
        )
    return render(request, "volunteer/scanned.html", visit=visit, action=action)


# my hours, records and corrections ----------------------------------------------------------------------


@router.get("/me/records")
def my_records(request: Request, user: VolunteerUser, api: ApiDep, cursor: str = "") -> Response:
    return render(
        request,
        "volunteer/records.html",
        page=api.scheduling.get("/v1/me/service-records", cursor=cursor),
        corrections=api.scheduling.get("/v1/me/corrections"),
        errors=[],
    )


@router.post("/me/records/{record_id}/corrections")
def ask_for_correction(
    request: Request,
    record_id: str,
    user: VolunteerUser,
    api: ApiDep,
    requested_hours: Annotated[Decimal, Form(ge=0, le=24, max_digits=5, decimal_places=2)],
    reason: Annotated[str, Form(min_length=1, max_length=500)],
) -> Response:
    try:
        api.scheduling.post(
            f"/v1/me/service-records/{record_id}/corrections",
            {"requested_hours": float(requested_hours), "reason": reason},
        )
    except UpstreamError as refused:
        return render(
            request,
            "volunteer/records.html",
            status_code=refusal_to_show(refused).status,
            page=api.scheduling.get("/v1/me/service-records"),
            corrections=api.scheduling.get("/v1/me/corrections"),
            errors=refused.messages,
        )
    flash(request, _("Your correction request was sent. Staff will review it."))
    return see_other("/me/records")


@router.get("/me/certificates")
def my_certificates(request: Request, user: VolunteerUser, api: ApiDep) -> Response:
    return render(
        request, "volunteer/certificates.html", certificates=api.evaluation.get("/v1/me/certificates")
    )


@router.get("/me/certificates/{certificate_id}.pdf")
def my_certificate_pdf(certificate_id: str, user: VolunteerUser, api: ApiDep) -> Response:
    return pass_through(api.evaluation.download(f"/v1/me/certificates/{certificate_id}.pdf"))
