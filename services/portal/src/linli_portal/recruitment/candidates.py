"""The board of candidates by status, adding a candidate through one of the four channels, and one
candidate's page: screening on the criteria and rubric in force, every screening so far, and the decision
(accepting registers the volunteer in the roster)."""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import Response

from linli_portal.dependencies import Api, ApiDep, CommitteeUser, portal_router
from linli_portal.forms import refusal_to_show
from linli_portal.i18n import gettext as _
from linli_portal.recruitment.common import (
    CANDIDATE_STATUSES,
    CHANNELS,
    MAX_PAGE,
    PREFIX,
    BadForm,
    all_needs,
    optional,
)
from linli_portal.sessions import flash
from linli_portal.templating import render, see_other
from linli_portal.upstreams import UpstreamError

router = portal_router(prefix=PREFIX)

#: decisions still open from each status (the roster's rule, repeated only to offer the right choices)
DECISIONS = {"pending": ("accepted", "reserve", "declined"), "reserve": ("accepted", "declined")}
#: "王阿姨, 5号楼" — name and building, split at the first comma, Chinese comma or tab
RECOMMENDER = re.compile(r"^\s*([^,，、\t]+?)\s*[,，、\t]\s*(.+?)\s*$")
NO_NEED = "none"


# the board -----------------------------------------------------------------------------------------------


@router.get("")
def board(request: Request, user: CommitteeUser, api: ApiDep, need: str = "") -> Response:
    return _board(request, api, need)


def _board(
    request: Request,
    api: Api,
    need: str,
    status_code: int = 200,
    errors: list[str] | None = None,
    form: dict[str, Any] | None = None,
) -> Response:
    need = need.strip()
    where: dict[str, Any] = {"unlinked": True} if need == NO_NEED else {"need_id": need}
    columns = {
        status: api.roster.get("/v1/recruitment/candidates", status=status, limit=MAX_PAGE, **where)["items"]
        for status in CANDIDATE_STATUSES
    }
    needs = all_needs(api)
    return render(
        request,
        "recruitment/board.html",
        status_code=status_code,
        section="recruitment",
        tab="board",
        columns=columns,
        needs=needs,
        need_titles={item["id"]: item["title"] for item in needs},
        need=need,
        no_need=NO_NEED,
        channels=CHANNELS,
        errors=errors or [],
        form=form or {"need_id": "" if need == NO_NEED else need, "channel": CHANNELS[0]},
    )


@router.post("/candidates")
def add_candidate(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    name: Annotated[str, Form(max_length=100)] = "",
    phone: Annotated[str, Form(max_length=30)] = "",
    channel: Annotated[str, Form(max_length=40)] = "",
    need_id: Annotated[str, Form(max_length=40)] = "",
    notes: Annotated[str, Form(max_length=2000)] = "",
    recommending_organisation: Annotated[str, Form(max_length=200)] = "",
    recommenders: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    form = {
        "name": name,
        "phone": phone,
        "channel": channel,
        "need_id": need_id,
        "notes": notes,
        "recommending_organisation": recommending_organisation,
        "recommenders": recommenders,
    }
    try:
        # only the channel's own details go along: a field left filled after switching channel is not meant
        body = {
            "name": name,
            "phone": phone,
            "channel": channel,
            "need_id": optional(need_id),
            "notes": notes,
            "recommending_organisation": optional(recommending_organisation)
            if channel == "organisation_recommended"
            else None,
            "recommenders": read_recommenders(recommenders) if channel == "residents_recommended" else [],
        }
        made = api.roster.post("/v1/recruitment/candidates", body)
    except BadForm as bad:
        return _board(request, api, "", status_code=400, errors=[str(bad)], form=form)
    except UpstreamError as refused:
        return _board(request, api, "", status_code=refused.status, errors=refused.messages, form=form)
    flash(request, _("Candidate added."))
    return see_other(f"/t/{user.slug}/recruitment/candidates/{made['id']}")


def read_recommenders(text: str) -> list[dict[str, str]]:
    """One recommending resident a line: "name, building"."""
    found = []
    for line in text.splitlines():
        if not line.strip():
            continue
        match = RECOMMENDER.match(line)
        if match is None:
            raise BadForm(_("Write each recommending resident on a line of their own: name, building."))
        found.append({"name": match.group(1), "building": match.group(2)})
    return found


# one candidate -------------------------------------------------------------------------------------------


@router.get("/candidates/{candidate_id}")
def candidate_page(request: Request, user: CommitteeUser, api: ApiDep, candidate_id: uuid.UUID) -> Response:
    return _candidate_page(request, api, candidate_id)


def _candidate_page(
    request: Request,
    api: Api,
    candidate_id: uuid.UUID,
    status_code: int = 200,
    errors: list[str] | None = None,
    form: dict[str, Any] | None = None,
) -> Response:
    candidate = api.roster.get(f"/v1/recruitment/candidates/{candidate_id}")
    need = api.roster.get(f"/v1/recruitment/needs/{candidate['need_id']}") if candidate["need_id"] else None
    in_force = api.roster.get("/v1/recruitment/screening")
    screenings = api.roster.get(f"/v1/recruitment/candidates/{candidate_id}/scores")
    return render(
        request,
        "recruitment/candidate.html",
        status_code=status_code,
        section="recruitment",
        tab="board",
        candidate=candidate,
        need=need,
        in_force=in_force,
        screenings=explain_screenings(api, in_force, screenings),
        decisions=DECISIONS.get(candidate["status"], ()),
        errors=errors or [],
        form=form or {},
    )


def explain_screenings(
    api: Api, in_force: dict[str, Any], screenings: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Each screening with its items' words, from the version it was made on (the rubric may have changed
    since; the built-in default version is never listed as stored until first used, so it comes from the
    criteria and rubric in force)."""
    if not screenings:
        return []
    criteria = {(in_force["criteria"]["version"], i["key"]): i["text"] for i in in_force["criteria"]["items"]}
    rubric = {(in_force["rubric"]["version"], i["key"]): i for i in in_force["rubric"]["items"]}
    for version in api.roster.get("/v1/recruitment/criteria"):
        criteria.update({(version["version"], i["key"]): i["text"] for i in version["items"]})
    for version in api.roster.get("/v1/recruitment/rubrics"):
        rubric.update({(version["version"], i["key"]): i for i in version["items"]})
    explained = []
    for screening in reversed(screenings):  # newest first, as everywhere else
        criteria_version, rubric_version = screening["criteria_version"], screening["rubric_version"]
        explained.append(
            {
                **screening,
                "answers": [
                    (criteria.get((criteria_version, key), key), yes)
                    for key, yes in screening["eligibility"].items()
                ],
                "marks": [
                    (
                        rubric.get((rubric_version, key), {}).get("label", key),
                        value,
                        rubric.get((rubric_version, key), {}).get("max_score"),
                    )
                    for key, value in screening["scores"].items()
                ],
            }
        )
    return explained


@router.post("/candidates/{candidate_id}/scores")
def screen(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    candidate_id: uuid.UUID,
    criterion: Annotated[list[str], Form()],
    answer: Annotated[list[str], Form()],
    item: Annotated[list[str], Form()],
    score: Annotated[list[str], Form()],
    notes: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """The form sends each criterion's key with its yes/no, and each rubric item's key with its score, in
    pairs; the roster checks they answer exactly the version in force."""
    form = {
        "notes": notes,
        "answers": dict(zip(criterion, answer, strict=False)),
        "scores": dict(zip(item, score, strict=False)),
    }
    try:
        if len(criterion) != len(answer) or len(item) != len(score):
            raise BadForm(_("Answer every criterion and score every item."))
        try:
            scores = {key: int(value) for key, value in zip(item, score, strict=True)}
        except ValueError:
            raise BadForm(_("Every score is a whole number.")) from None
        eligibility = {key: value == "yes" for key, value in zip(criterion, answer, strict=True)}
        api.roster.post(
            f"/v1/recruitment/candidates/{candidate_id}/scores",
            {"eligibility": eligibility, "scores": scores, "notes": notes},
        )
    except BadForm as bad:
        return _candidate_page(request, api, candidate_id, 400, [str(bad)], form)
    except UpstreamError as refused:
        return _candidate_page(
            request, api, candidate_id, refusal_to_show(refused).status, refused.messages, form
        )
    flash(request, _("Screening recorded."))
    return see_other(f"/t/{user.slug}/recruitment/candidates/{candidate_id}")


@router.post("/candidates/{candidate_id}/decision")
def decide(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    candidate_id: uuid.UUID,
    decision: Annotated[str, Form(max_length=20)] = "",
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    try:
        decided = api.roster.post(
            f"/v1/recruitment/candidates/{candidate_id}/decision", {"decision": decision, "reason": reason}
        )
    except UpstreamError as refused:
        form = {"decision": decision, "reason": reason}
        return _candidate_page(
            request, api, candidate_id, refusal_to_show(refused).status, refused.messages, form
        )
    flash(
        request,
        _("Accepted: the volunteer is registered.")
        if decided["status"] == "accepted"
        else _("Decision recorded."),
    )
    return see_other(f"/t/{user.slug}/recruitment/candidates/{candidate_id}")
