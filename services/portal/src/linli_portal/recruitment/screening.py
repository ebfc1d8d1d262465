"""Screening setup: the eligibility criteria (任职条件) and the "三好一会" rubric in force, every stored
version of each, and a new version of either. Scores always name the version they were made on."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import Response

from linli_portal.dependencies import Api, ApiDep, CommitteeUser, portal_router
from linli_portal.i18n import gettext as _
from linli_portal.recruitment.common import PREFIX, BadForm
from linli_portal.sessions import flash
from linli_portal.templating import render, see_other
from linli_portal.upstreams import UpstreamError

router = portal_router(prefix=PREFIX)
#: empty rows under the current items, for new ones (a row left empty is no item; emptying a row drops it)
NEW_ROWS = 3

Keys = Annotated[list[str], Form()]
Texts = Annotated[list[str], Form()]


@router.get("/screening")
def screening_page(request: Request, user: CommitteeUser, api: ApiDep) -> Response:
    return _screening_page(request, api)


def _screening_page(
    request: Request,
    api: Api,
    status_code: int = 200,
    errors: list[str] | None = None,
    criteria_rows: list[dict[str, Any]] | None = None,
    rubric_rows: list[dict[str, Any]] | None = None,
) -> Response:
    in_force = api.roster.get("/v1/recruitment/screening")
    blank_criterion = {"key": "", "text": ""}
    blank_item = {"key": "", "label": "", "max_score": ""}
    return render(
        request,
        "recruitment/screening.html",
        status_code=status_code,
        section="recruitment",
        tab="screening",
        in_force=in_force,
        criteria_versions=api.roster.get("/v1/recruitment/criteria"),
        rubric_versions=api.roster.get("/v1/recruitment/rubrics"),
        criteria_rows=criteria_rows or [*in_force["criteria"]["items"], *[blank_criterion] * NEW_ROWS],
        rubric_rows=rubric_rows or [*in_force["rubric"]["items"], *[blank_item] * NEW_ROWS],
        errors=errors or [],
    )


def with_keys(rows: list[dict[str, Any]], field: str) -> list[dict[str, Any]]:
    """The rows that say something, each with a key: a kept item keeps its own (so scores on either version
    read alike), a new one gets the first free `item_<n>` (people name items; the keys are the roster's)."""
    kept = [row for row in rows if str(row[field]).strip()]
    taken = {row["key"] for row in kept if row["key"]}
    counter = 0
    for row in kept:
        if not row["key"]:
            counter += 1
            while f"item_{counter}" in taken:
                counter += 1
            row["key"] = f"item_{counter}"
            taken.add(row["key"])
    return kept


@router.post("/screening/criteria")
def new_criteria(request: Request, user: CommitteeUser, api: ApiDep, key: Keys, text: Texts) -> Response:
    rows = [{"key": k, "text": t} for k, t in zip(key, text, strict=False)]
    try:
        if len(key) != len(text):
            raise BadForm(_("The form was not sent whole. Reload the page and try again."))
        made = api.roster.post("/v1/recruitment/criteria", {"items": with_keys(rows, "text")})
    except BadForm as bad:
        return _screening_page(request, api, 400, [str(bad)], criteria_rows=rows)
    except UpstreamError as refused:
        return _screening_page(request, api, refused.status, refused.messages, criteria_rows=rows)
    flash(request, _("Eligibility criteria saved as version %(version)s.", version=made["version"]))
    return see_other(f"/t/{user.slug}/recruitment/screening")


@router.post("/screening/rubric")
def new_rubric(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    key: Keys,
    label: Texts,
    max_score: Texts,
) -> Response:
    rows = [{"key": k, "label": t, "max_score": m} for k, t, m in zip(key, label, max_score, strict=False)]
    try:
        if not len(key) == len(label) == len(max_score):
            raise BadForm(_("The form was not sent whole. Reload the page and try again."))
        items = with_keys(rows, "label")
        try:
            body = [{**row, "max_score": int(row["max_score"])} for row in items]
        except ValueError:
            raise BadForm(_("Every item's highest score is a whole number.")) from None
        made = api.roster.post("/v1/recruitment/rubrics", {"items": body})
    except BadForm as bad:
        return _screening_page(request, api, 400, [str(bad)], rubric_rows=rows)
    except UpstreamError as refused:
        return _screening_page(request, api, refused.status, refused.messages, rubric_rows=rows)
    flash(request, _("Rubric saved as version %(version)s.", version=made["version"]))
    return see_other(f"/t/{user.slug}/recruitment/screening")
