"""The rules a district sets for every committee below it (a town may refine them for its own): hour rules
and rounding, star thresholds, the spot-check rate and risk weights, and the evaluation score's weights.
Each page shows the rule in force and whose it is, and sets the caller's own; the services check the values,
and a refusal is shown above the form with what was typed kept."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from linli_portal.dependencies import Api, ApiDep, AreaUser
from linli_portal.district.common import as_fraction, as_number
from linli_portal.i18n import gettext as _
from linli_portal.labels import LABELS
from linli_portal.sessions import PortalUser, flash
from linli_portal.templating import render, see_other
from linli_portal.upstreams import UpstreamError

router = APIRouter(prefix="/d/{slug}/policies")
STARS = range(1, 6)
RISKS = ("late_entry", "self_reported", "auto_closed", "long", "frequent")
COMPONENTS = ("hours", "satisfaction", "reliability", "training", "audits")
ACTIVITY_KINDS = tuple(LABELS["activity_kind"])


@dataclass(frozen=True)
class _Policy:
    """One policy page: `section` is its nav key, its URL's last part and its template's name."""

    section: str
    service: str
    path: str
    #: what the form offers besides the policy itself (the template's own names)
    choices: Callable[[Api], dict[str, Any]]
    #: the form as the policy in force fills it
    as_form: Callable[[dict[str, Any]], dict[str, Any]] = lambda policy: policy


HOURS = _Policy(
    "hours",
    "scheduling",
    "/v1/hour-policy",
    lambda api: {"presets": api.scheduling.get("/v1/rounding-presets"), "kinds": ACTIVITY_KINDS},
)
STAR_LEVELS = _Policy("stars", "evaluation", "/v1/star-policy", lambda api: {"stars": STARS})
SPOT_CHECKS = _Policy(
    "audits",
    "evaluation",
    "/v1/audit-policy",
    lambda api: {"risks": RISKS},
    lambda policy: {**policy, "percent": round(policy["rate"] * 100, 1)},
)
SCORE_WEIGHTS = _Policy("scores", "evaluation", "/v1/score-weights", lambda api: {"components": COMPONENTS})


def _page(
    request: Request,
    api: Api,
    policy: _Policy,
    status_code: int = 200,
    errors: list[str] | None = None,
    form: dict[str, Any] | None = None,
) -> Response:
    """The rule in force and whose it is, with the form to set the caller's own."""
    held: dict[str, Any] = getattr(api, policy.service).get(policy.path)
    return render(
        request,
        f"district/policy_{policy.section}.html",
        status_code=status_code,
        section=policy.section,
        policy=held,
        form=form or policy.as_form(held),
        errors=errors or [],
        **policy.choices(api),
    )


def _save(
    request: Request,
    user: PortalUser,
    api: Api,
    policy: _Policy,
    body: dict[str, Any],
    typed: dict[str, Any] | None = None,
) -> Response:
    """Set the policy; on a refusal, the page again with the service's reasons, what was `typed` kept and
    nothing changed."""
    try:
        getattr(api, policy.service).put(policy.path, body)
    except UpstreamError as refused:
        return _page(request, api, policy, refused.status, refused.messages, typed or body)
    flash(request, _("Saved. Committees without rules of their own follow it from now on."))
    return see_other(f"/d/{user.slug}/policies/{policy.section}")


# hour rules and rounding (scheduling) ------------------------------------------------------------------------


@router.get("/hours")
def hour_policy(request: Request, user: AreaUser, api: ApiDep) -> Response:
    return _page(request, api, HOURS)


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
    return _save(request, user, api, HOURS, body)


# star levels (evaluation) ----------------------------------------------------------------------------------


@router.get("/stars")
def star_policy(request: Request, user: AreaUser, api: ApiDep) -> Response:
    return _page(request, api, STAR_LEVELS)


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
    return _save(request, user, api, STAR_LEVELS, body)


# spot checks (evaluation) ----------------------------------------------------------------------------------


@router.get("/audits")
def audit_policy(request: Request, user: AreaUser, api: ApiDep) -> Response:
    return _page(request, api, SPOT_CHECKS)


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
    return _save(request, user, api, SPOT_CHECKS, body, {**body, "percent": percent})


# evaluation score weights (evaluation) ---------------------------------------------------------------------


@router.get("/scores")
def score_weights(request: Request, user: AreaUser, api: ApiDep) -> Response:
    return _page(request, api, SCORE_WEIGHTS)


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
    return _save(request, user, api, SCORE_WEIGHTS, body)
