"""Service projects (项目孵化): the list by status, starting one, its page (team, goals, status trail,
activities), editing it, establishing or closing it, and its team."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import Response

from linli_portal.choices import volunteer_options
from linli_portal.dependencies import Api, ApiDep, CommitteeUser, portal_router
from linli_portal.forms import form_refusal
from linli_portal.i18n import gettext as _
from linli_portal.sessions import PortalUser, flash
from linli_portal.templating import render, see_other
from linli_portal.upstreams import UpstreamError

router = portal_router(prefix="/t/{slug}/projects", tags=["projects"])

STATUSES = ("incubating", "established", "closed")
#: where a project may go from each status (the service decides; the page only offers these)
NEXT_STATUSES = {"incubating": ("established", "closed"), "established": ("closed",), "closed": ()}

Name = Annotated[str, Form(max_length=200)]
Description = Annotated[str, Form(max_length=4000)]
Goals = Annotated[str, Form(max_length=8000)]
VolunteerId = Annotated[str, Form(max_length=40)]


def goal_lines(text: str) -> list[str]:
    """One goal a line, as the textarea holds them; blank lines are no goal."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def project_form(name: str, description: str, owner_volunteer_id: str, goals: str) -> dict[str, Any]:
    """The form's fields as typed (a refused form comes back exactly so)."""
    return {
        "name": name,
        "description": description,
        "owner_volunteer_id": owner_volunteer_id,
        "goals": goals,
    }


def project_body(form: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": form["name"],
        "description": form["description"],
        "owner_volunteer_id": form["owner_volunteer_id"] or None,
        "goals": goal_lines(form["goals"]),
    }


def project_form_page(
    request: Request,
    api: Api,
    project: dict[str, Any] | None,
    form: dict[str, Any],
    refused: UpstreamError | None = None,
) -> Response:
    """Starting a project (`project` None) or editing one; a refused form again with the service's messages."""
    return render(
        request,
        "projects/form.html",
        status_code=200 if refused is None else form_refusal(refused),
        section="projects",
        project=project,
        form=form,
        volunteers=volunteer_options(api),
        errors=None if refused is None else refused.messages,
    )


@router.get("")
def projects(
    request: Request, user: CommitteeUser, api: ApiDep, status: str = "", cursor: str = ""
) -> Response:
    shown_status = status if status in STATUSES else ""
    page = api.scheduling.get("/v1/projects", status=shown_status, cursor=cursor, limit=50)
    return render(
        request, "projects/list.html", section="projects", page=page, status=shown_status, statuses=STATUSES
    )


@router.get("/new")
def new_project(request: Request, user: CommitteeUser, api: ApiDep) -> Response:
    return project_form_page(request, api, None, project_form("", "", "", ""))


@router.post("")
def create_project(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    name: Name = "",
    description: Description = "",
    owner_volunteer_id: VolunteerId = "",
    goals: Goals = "",
) -> Response:
    form = project_form(name, description, owner_volunteer_id, goals)
    try:
        made = api.scheduling.post("/v1/projects", project_body(form))
    except UpstreamError as refused:
        return project_form_page(request, api, None, form, refused)
    flash(request, _("Project started: it is incubating."))
    return see_other(f"/t/{user.slug}/projects/{made['id']}")


@router.get("/{project_id}")
def project(request: Request, user: CommitteeUser, api: ApiDep, project_id: uuid.UUID) -> Response:
    return project_page(request, user, api, project_id)


def project_page(
    request: Request,
    user: PortalUser,
    api: Api,
    project_id: uuid.UUID,
    errors: list[str] | None = None,
    status_code: int = 200,
) -> Response:
    """The project's page; a refused change shows it again with the service's messages."""
    found = api.scheduling.get(f"/v1/projects/{project_id}")
    activities = api.scheduling.get("/v1/activities", project_id=str(project_id), limit=200)
    open_for_changes = user.writes and found["status"] != "closed"
    members = {member["volunteer_id"] for member in found["team"]}
    candidates = [v for v in volunteer_options(api) if v["id"] not in members] if open_for_changes else []
    return render(
        request,
        "projects/detail.html",
        status_code=status_code,
        section="projects",
        project=found,
        activities=activities["items"],
        next_statuses=NEXT_STATUSES.get(found["status"], ()),
        candidates=candidates,
        open_for_changes=open_for_changes,
        errors=errors,
    )


@router.get("/{project_id}/edit")
def edit_project(request: Request, user: CommitteeUser, api: ApiDep, project_id: uuid.UUID) -> Response:
    found = api.scheduling.get(f"/v1/projects/{project_id}")
    form = project_form(
        found["name"], found["description"], found["owner_volunteer_id"] or "", "\n".join(found["goals"])
    )
    return project_form_page(request, api, found, {**form, "version": found["version"]})


@router.post("/{project_id}/edit")
def update_project(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    project_id: uuid.UUID,
    version: Annotated[int, Form(ge=1)],
    name: Name = "",
    description: Description = "",
    owner_volunteer_id: VolunteerId = "",
    goals: Goals = "",
) -> Response:
    form = project_form(name, description, owner_volunteer_id, goals)
    try:
        api.scheduling.patch(f"/v1/projects/{project_id}", {"version": version, **project_body(form)})
    except UpstreamError as refused:
        # another committee's project (or none) is a 404 here too
        found = api.scheduling.get(f"/v1/projects/{project_id}")
        # the version kept as sent: saving again after someone else's change must be a deliberate reload
        return project_form_page(request, api, found, {**form, "version": version}, refused)
    flash(request, _("Project saved."))
    return see_other(f"/t/{user.slug}/projects/{project_id}")


@router.post("/{project_id}/status")
def change_status(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    project_id: uuid.UUID,
    status: Annotated[str, Form(max_length=20)],
    note: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    try:
        api.scheduling.post(f"/v1/projects/{project_id}/status", {"status": status, "note": note})
    except UpstreamError as refused:
        return project_page(request, user, api, project_id, refused.messages, refused.status)
    flash(request, _("Project status changed."))
    return see_other(f"/t/{user.slug}/projects/{project_id}")


@router.post("/{project_id}/members")
def add_member(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    project_id: uuid.UUID,
    volunteer_id: VolunteerId = "",
    duty: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    try:
        api.scheduling.post(
            f"/v1/projects/{project_id}/members", {"volunteer_id": volunteer_id, "duty": duty}
        )
    except UpstreamError as refused:
        # no such volunteer is a mistake in the form; no such project makes the page itself a 404
        return project_page(request, user, api, project_id, refused.messages, form_refusal(refused))
    flash(request, _("Added to the team."))
    return see_other(f"/t/{user.slug}/projects/{project_id}")


@router.post("/{project_id}/members/{volunteer_id}/leave")
def member_leaves(
    request: Request, user: CommitteeUser, api: ApiDep, project_id: uuid.UUID, volunteer_id: uuid.UUID
) -> Response:
    api.scheduling.post(f"/v1/projects/{project_id}/members/{volunteer_id}/leave")
    flash(request, _("The member has left the team; the membership stays in the history."))
    return see_other(f"/t/{user.slug}/projects/{project_id}")
