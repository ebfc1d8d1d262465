"""The rules a district sets for every committee below it (a town may refine them for its own): hour rules
and rounding, star thresholds, the spot-check rate and risk weights, and the evaluation score's weights.
Each page shows the rule in force and whose it is, and sets the caller's own; the services check the values,
and a refusal is shown above the form with what was typed kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from linli_portal.dependencies import ApiDep, AreaUser
from linli_portal.district.common import as_fraction, as_number
from linli_portal.i18n import gettext as _
from linli_portal.labels import LABELS
from linli_portal.sessions import flash
from linli_portal.templating import render, see_other
from linli_portal.upstreams import UpstreamError

router = APIRouter(prefix="/d/{slug}/policies")
STARS = range(1, 6)
RISKS = ("late_entry", "self_reported", "auto_closed", "long", "frequent")
COMPONENTS = ("hours", "satisfaction", "reliability", "training", "audits")
ACTIVITY_KINDS = tuple(LABELS["activity_kind"])


def _saved(
    request: Request,
    put: Callable[[], Any],
    again: Callable[[int, list[str]], Response],
    to: str,
) -> Response:
    """Set the policy; on a refusal, the page again with the service's reasons and nothing changed."""
    try:
        put()
    except UpstreamError as refused:
        return again(refused.status, refused.messages)
    flash(request, _("Saved. Committees without rules of their own follow it from now on."))
    return see_other(to)


# hour rules and rounding (scheduling) ------------------------------------------------------------------------


def _hours_page(
    request: Request, api: ApiDep, status_code: int = 200, errors: list[str] | None = None, form: Any = None
) -> Response:
    policy = api.scheduling.get("/v1/hour-policy")
    return render(
        request,
        "district/policy_hours.html",
        status_code=status_code,
        section="hours",
        policy=policy,
        presets=api.scheduling.get("/v1/rounding-presets"),
        kinds=ACTIVITY_KINDS,
        form=form or policy,
        errors=errors or [],
    )


@router.get("/hours")
def hour_policy(request: Request, user: AreaUser, api: ApiDep) -> Response:
    return _hours_page(request, api)


@router.post("/hours")
def set_hour_policy(
    request: Request,
    user: AreaUser,
    api: ApiDep,
    rounding: Annotated[str, Form(max_length=40)],
    late_entry_window_days: Annotated[str, Form(max_length=20)],
    cancellation_cutoff_hours: Annotated[str, Form(max_length=20)],
    check_in_opens_minutes: Annotated[str, Form(max_length=20)],
    excluded_kinds: Annotated[list[str], Form(max_length=10)] = [],  # noqa: B006 (FastAPI copies defaults)
) -> Response:
    body = {
        "rounding": rounding,
        "excluded_kinds": excluded_kinds,
        "late_entry_window_days": as_number(late_entry_window_days),
        "cancellation_cutoff_hours": as_number(cancellation_cutoff_hours),
        "check_in_opens_minutes": as_number(check_in_opens_minutes),
    }
    return _saved(
        request,
        lambda: api.scheduling.put("/v1/hour-policy", body),
        lambda status, errors: _hours_page(request, api, status, errors, body),
        f"/d/{user.slug}/policies/hours",
    )


# star levels (evaluation) ----------------------------------------------------------------------------------


def _stars_page(
    request: Request, api: ApiDep, status_code: int = 200, errors: list[str] | None = None, form: Any = None
) -> Response:
    policy = api.evaluation.get("/v1/star-policy")
    return render(
        request,
        "district/policy_stars.html",
        status_code=status_code,
        section="stars",
        policy=policy,
        stars=STARS,
        form=form or policy,
        errors=errors or [],
    )


@router.get("/stars")
def star_policy(request: Request, user: AreaUser, api: ApiDep) -> Response:
    return _stars_page(request, api)


@router.post("/stars")
def set_star_policy(
    request: Request,
    user: AreaUser,
    api: ApiDep,
    thresholds: Annotated[list[str], Form(min_length=5, max_length=5)],
    tenure_months: Annotated[list[str], Form(min_length=5, max_length=5)],
) -> Response:
    body = {
        "thresholds": [as_number(hours) for hours in thresholds],
        "tenure_months": [as_number(months or "0") for months in tenure_months],
    }
    return _saved(
        request,
        lambda: api.evaluation.put("/v1/star-policy", body),
        lambda status, errors: _stars_page(request, api, status, errors, body),
        f"/d/{user.slug}/policies/stars",
    )


# spot checks (evaluation) ----------------------------------------------------------------------------------


def _audits_page(
    request: Request, api: ApiDep, status_code: int = 200, errors: list[str] | None = None, form: Any = None
) -> Response:
    policy = api.evaluation.get("/v1/audit-policy")
    shown = form or {**policy, "percent": round(policy["rate"] * 100, 1)}
    return render(
        request,
        "district/policy_audits.html",
        status_code=status_code,
        section="audits",
        policy=policy,
        risks=RISKS,
        form=shown,
        errors=errors or [],
    )


@router.get("/audits")
def audit_policy(request: Request, user: AreaUser, api: ApiDep) -> Response:
    return _audits_page(request, api)


@router.post("/audits")
def set_audit_policy(
    request: Request,
    user: AreaUser,
    api: ApiDep,
    percent: Annotated[str, Form(max_length=20)],
    min_count: Annotated[str, Form(max_length=20)],
    late_entry: Annotated[str, Form(max_length=20)],
    self_reported: Annotated[str, Form(max_length=20)],
    auto_closed: Annotated[str, Form(max_length=20)],
    long: Annotated[str, Form(max_length=20)],
    frequent: Annotated[str, Form(max_length=20)],
) -> Response:
    typed = {"late_entry": late_entry, "self_reported": self_reported, "auto_closed": auto_closed}
    typed |= {"long": long, "frequent": frequent}
    body = {
        "rate": as_fraction(percent),
        "min_count": as_number(min_count),
        "risk_weights": {risk: as_number(weight) for risk, weight in typed.items()},
    }
    return _saved(
        request,
        lambda: api.evaluation.put("/v1/audit-policy", body),
        lambda status, errors: _audits_page(request, api, status, errors, {**body, "percent": percent}),
        f"/d/{user.slug}/policies/audits",
    )


# evaluation score weights (evaluation) ---------------------------------------------------------------------


def _scores_page(
    request: Request, api: ApiDep, status_code: int = 200, errors: list[str] | None = None, form: Any = None
) -> Response:
    policy = api.evaluation.get("/v1/score-weights")
    return render(
        request,
        "district/policy_scores.html",
        status_code=status_code,
        section="scores",
        policy=policy,
        components=COMPONENTS,
        form=form or policy,
        errors=errors or [],
    )


@router.get("/scores")
def score_weights(request: Request, user: AreaUser, api: ApiDep) -> Response:
    return _scores_page(request, api)


@router.post("/scores")
def set_score_weights(
    request: Request,
    user: AreaUser,
    api: ApiDep,
    hours: Annotated[str, Form(max_length=20)],
    satisfaction: Annotated[str, Form(max_length=20)],
    reliability: Annotated[str, Form(max_length=20)],
    training: Annotated[str, Form(max_length=20)],
    audits: Annotated[str, Form(max_length=20)],
    window_months: Annotated[str, Form(max_length=20)],
    target_hours: Annotated[str, Form(max_length=20)],
) -> Response:
    typed = {"hours": hours, "satisfaction": satisfaction, "reliability": reliability}
    typed |= {"training": training, "audits": audits}
    body = {
        "weights": {component: as_number(weight) for component, weight in typed.items()},
        "window_months": as_number(window_months),
        "target_hours": as_number(target_hours),
    }
    return _saved(
        request,
        lambda: api.evaluation.put("/v1/score-weights", body),
        lambda status, errors: _scores_page(request, api, status, errors, body),
        f"/d/{user.slug}/policies/scores",
    )
