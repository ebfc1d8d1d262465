"""Deliberation groups (议事小组 / 议事圈): members, topics residents raise (难点堵点), meetings with minutes,
decisions, and follow-up actions with owners and due dates.

Forms on a group's or a topic's page that the roster refuses show that page again, the refusal above the form
that was sent (`failed` names it) and what was typed still in it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import Response

from linli_portal.choices import active_volunteers, areas
from linli_portal.dependencies import Api, ApiDep, CommitteeUser, portal_router
from linli_portal.forms import refusal_to_show
from linli_portal.i18n import gettext as _
from linli_portal.sessions import PortalUser, flash
from linli_portal.templating import render, see_other
from linli_portal.upstreams import UpstreamError
from linli_shared.clock import Now, local_date

router = portal_router(prefix="/t/{slug}/deliberation", tags=["deliberation"])

GROUPS = "/v1/deliberation-groups"
TOPIC_STATUSES = ("open", "in_discussion", "decided", "closed")
#: the moves offered on a topic's page (`decided` comes from recording a decision; the roster judges the move)
MOVES = {
    "open": ("in_discussion", "closed"),
    "in_discussion": ("open", "closed"),
    "decided": ("in_discussion", "closed"),
    "closed": (),
}

Text = Annotated[str, Form(max_length=2000)]
Short = Annotated[str, Form(max_length=100)]
Day = Annotated[str, Form(max_length=10)]
Id = Annotated[str, Form(max_length=40)]


# the groups ---------------------------------------------------------------------------------------------


@router.get("")
def groups(request: Request, user: CommitteeUser, api: ApiDep, now: Now) -> Response:
    return _groups_page(request, api, now, {"name": "", "purpose": ""})


@router.post("")
def create_group(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    now: Now,
    name: Annotated[str, Form(max_length=60)] = "",
    purpose: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    form = {"name": name, "purpose": purpose}
    try:
        made = api.roster.post(GROUPS, form)
    except UpstreamError as refused:
        return _groups_page(request, api, now, form, refusal_to_show(refused))
    flash(request, _("The deliberation group is set up."))
    return see_other(f"/t/{user.slug}/deliberation/{made['id']}")


def _groups_page(
    request: Request,
    api: Api,
    now: datetime,
    form: dict[str, str],
    refused: UpstreamError | None = None,
) -> Response:
    today = local_date(now).isoformat()
    return render(
        request,
        "deliberation/groups.html",
        status_code=refused.status if refused else 200,
        section="deliberation",
        groups=api.roster.get(GROUPS),
        overdue=api.roster.get("/v1/deliberation-actions", overdue="true", as_of=today),
        form=form,
        errors=refused.messages if refused else [],
    )


# one group: members, topics, meetings -------------------------------------------------------------------


@router.get("/{group_id}")
def group(
    request: Request, user: CommitteeUser, api: ApiDep, now: Now, group_id: uuid.UUID, status: str = ""
) -> Response:
    return _group_page(request, api, now, group_id, status=status)


@router.post("/{group_id}")
def update_group(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    now: Now,
    group_id: uuid.UUID,
    name: Annotated[str, Form(max_length=60)] = "",
    purpose: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    form = {"name": name, "purpose": purpose}
    return _change_group(
        request,
        user,
        api,
        now,
        group_id,
        "edit",
        form,
        lambda: api.roster.patch(f"{GROUPS}/{group_id}", form),
        _("The group is updated."),
    )


@router.post("/{group_id}/members")
def add_member(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    now: Now,
    group_id: uuid.UUID,
    volunteer_id: Id = "",
    joined_on: Day = "",
) -> Response:
    form = {"volunteer_id": volunteer_id, "joined_on": joined_on}
    body = {**form, "volunteer_id": volunteer_id or None}
    return _change_group(
        request,
        user,
        api,
        now,
        group_id,
        "member",
        form,
        lambda: api.roster.post(f"{GROUPS}/{group_id}/members", body),
        _("The volunteer has joined the group."),
    )


@router.post("/{group_id}/members/{volunteer_id}/leave")
def remove_member(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    now: Now,
    group_id: uuid.UUID,
    volunteer_id: uuid.UUID,
    left_on: Day = "",
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    form = {"left_on": left_on, "reason": reason}
    return _change_group(
        request,
        user,
        api,
        now,
        group_id,
        "leave",
        form,
        lambda: api.roster.post(f"{GROUPS}/{group_id}/members/{volunteer_id}/leave", form),
        _("The membership has ended; it stays in the group's history."),
    )


@router.post("/{group_id}/topics")
def raise_topic(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    now: Now,
    group_id: uuid.UUID,
    title: Short = "",
    description: Text = "",
    raised_by: Annotated[str, Form(max_length=50)] = "",
    building_id: Id = "",
    raised_on: Day = "",
) -> Response:
    form = {
        "title": title,
        "description": description,
        "raised_by": raised_by,
        "building_id": building_id,
        "raised_on": raised_on,
    }
    try:
        made = api.roster.post(f"{GROUPS}/{group_id}/topics", {**form, "building_id": building_id or None})
    except UpstreamError as refused:
        return _group_page(request, api, now, group_id, "topic", form, refusal_to_show(refused))
    flash(request, _("The residents' topic is recorded."))
    return see_other(f"/t/{user.slug}/deliberation/{group_id}/topics/{made['id']}")


def _change_group(
    request: Request,
    user: PortalUser,
    api: Api,
    now: datetime,
    group_id: uuid.UUID,
    failed: str,
    form: dict[str, str],
    send: Callable[[], Any],
    done: str,
) -> Response:
    """A change made from a group's page: done, back to the page with a confirmation; refused, the page
    again with the service's reasons next to the `failed` form and what was typed kept."""
    try:
        send()
    except UpstreamError as refused:
        return _group_page(request, api, now, group_id, failed, form, refusal_to_show(refused))
    flash(request, done)
    return see_other(f"/t/{user.slug}/deliberation/{group_id}")


def _group_page(
    request: Request,
    api: Api,
    now: datetime,
    group_id: uuid.UUID,
    failed: str = "",
    form: dict[str, str] | None = None,
    refused: UpstreamError | None = None,
    status: str = "",
) -> Response:
    found = api.roster.get(f"{GROUPS}/{group_id}")
    status = status if status in TOPIC_STATUSES else ""
    members = [member for member in found["members"] if member["left_on"] is None]
    member_ids = {member["volunteer_id"] for member in members}
    return render(
        request,
        "deliberation/group.html",
        status_code=refused.status if refused else 200,
        section="deliberation",
        group=found,
        members=members,
        past_members=[member for member in found["members"] if member["left_on"] is not None],
        topics=api.roster.get(f"{GROUPS}/{group_id}/topics", status=status),
        status=status,
        statuses=TOPIC_STATUSES,
        meetings=api.roster.get(f"{GROUPS}/{group_id}/meetings"),
        open_actions=api.roster.get("/v1/deliberation-actions", group_id=str(group_id), status="open"),
        candidates=[v for v in active_volunteers(api) if v["id"] not in member_ids],
        buildings=[area for area in areas(api) if area["kind"] == "building"],
        today=local_date(now).isoformat(),
        failed=failed,
        form=form or {},
        errors=refused.messages if refused else [],
    )


# a topic: its decisions and their follow-up actions ----------------------------------------------------


@router.get("/{group_id}/topics/{topic_id}")
def topic(
    request: Request, user: CommitteeUser, api: ApiDep, now: Now, group_id: uuid.UUID, topic_id: uuid.UUID
) -> Response:
    return _topic_page(request, api, now, group_id, topic_id)


@router.post("/{group_id}/topics/{topic_id}/status")
def move_topic(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    now: Now,
    group_id: uuid.UUID,
    topic_id: uuid.UUID,
    status: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    return _change_topic(
        request,
        user,
        api,
        now,
        group_id,
        topic_id,
        "status",
        {},
        lambda: api.roster.post(f"{GROUPS}/{group_id}/topics/{topic_id}/status", {"status": status}),
        _("The topic's status is changed."),
    )


@router.post("/{group_id}/topics/{topic_id}/decisions")
def decide(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    now: Now,
    group_id: uuid.UUID,
    topic_id: uuid.UUID,
    text: Text = "",
    decided_on: Day = "",
    meeting_id: Id = "",
) -> Response:
    form = {"text": text, "decided_on": decided_on, "meeting_id": meeting_id}
    body = {**form, "meeting_id": meeting_id or None}
    return _change_topic(
        request,
        user,
        api,
        now,
        group_id,
        topic_id,
        "decision",
        form,
        lambda: api.roster.post(f"{GROUPS}/{group_id}/topics/{topic_id}/decisions", body),
        _("The decision is recorded."),
    )


@router.post("/{group_id}/decisions/{decision_id}/actions")
def add_action(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    now: Now,
    group_id: uuid.UUID,
    decision_id: uuid.UUID,
    topic_id: Annotated[uuid.UUID, Form()],  # where to come back to: the action's topic
    description: Annotated[str, Form(max_length=500)] = "",
    owner_volunteer_id: Id = "",
    due_on: Day = "",
) -> Response:
    form = {
        "decision_id": str(decision_id),
        "description": description,
        "owner_volunteer_id": owner_volunteer_id,
        "due_on": due_on,
    }
    body = {"description": description, "owner_volunteer_id": owner_volunteer_id or None, "due_on": due_on}
    return _change_topic(
        request,
        user,
        api,
        now,
        group_id,
        topic_id,
        "action",
        form,
        lambda: api.roster.post(f"{GROUPS}/{group_id}/decisions/{decision_id}/actions", body),
        _("The follow-up action is added."),
    )


@router.post("/{group_id}/actions/{action_id}/complete")
def complete_action(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    now: Now,
    group_id: uuid.UUID,
    action_id: uuid.UUID,
    topic_id: Annotated[uuid.UUID, Form()],  # where to come back to: the action's topic
    completed_on: Day = "",
    note: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    form = {"action_id": str(action_id), "completed_on": completed_on, "note": note}
    try:
        done = api.roster.post(
            f"{GROUPS}/{group_id}/actions/{action_id}/complete", {"completed_on": completed_on, "note": note}
        )
    except UpstreamError as refused:
        return _topic_page(request, api, now, group_id, topic_id, "complete", form, refusal_to_show(refused))
    flash(request, _("The follow-up action is marked done."))
    return see_other(f"/t/{user.slug}/deliberation/{group_id}/topics/{done['topic_id']}")


def _change_topic(
    request: Request,
    user: PortalUser,
    api: Api,
    now: datetime,
    group_id: uuid.UUID,
    topic_id: uuid.UUID,
    failed: str,
    form: dict[str, str],
    send: Callable[[], Any],
    done: str,
) -> Response:
    """A change made from a topic's page, as `_change_group` makes one from a group's."""
    try:
        send()
    except UpstreamError as refused:
        return _topic_page(request, api, now, group_id, topic_id, failed, form, refusal_to_show(refused))
    flash(request, done)
    return see_other(f"/t/{user.slug}/deliberation/{group_id}/topics/{topic_id}")


def _topic_page(
    request: Request,
    api: Api,
    now: datetime,
    group_id: uuid.UUID,
    topic_id: uuid.UUID,
    failed: str = "",
    form: dict[str, str] | None = None,
    refused: UpstreamError | None = None,
) -> Response:
    found = api.roster.get(f"{GROUPS}/{group_id}/topics/{topic_id}")
    meetings = api.roster.get(f"{GROUPS}/{group_id}/meetings")
    return render(
        request,
        "deliberation/topic.html",
        status_code=refused.status if refused else 200,
        section="deliberation",
        group=api.roster.get(f"{GROUPS}/{group_id}"),
        topic=found,
        meetings=meetings,
        discussed_at=[meeting for meeting in meetings if meeting["id"] in found["meeting_ids"]],
        moves=MOVES.get(found["status"], ()),
        volunteers=active_volunteers(api),
        today=local_date(now).isoformat(),
        failed=failed,
        form=form or {},
        errors=refused.messages if refused else [],
    )


# meetings -----------------------------------------------------------------------------------------------


@router.get("/{group_id}/meetings/new")
def new_meeting(
    request: Request, user: CommitteeUser, api: ApiDep, now: Now, group_id: uuid.UUID
) -> Response:
    form = {"held_on": local_date(now).isoformat(), "place": "", "minutes": ""}
    return _meeting_form(request, api, group_id, form, [], [])


@router.post("/{group_id}/meetings")
def hold_meeting(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    group_id: uuid.UUID,
    held_on: Day = "",
    place: Short = "",
    minutes: Annotated[str, Form(max_length=20000)] = "",
    attendee_ids: Annotated[list[str], Form()] = [],  # noqa: B006 — FastAPI copies the default
    topic_ids: Annotated[list[str], Form()] = [],  # noqa: B006
) -> Response:
    form = {"held_on": held_on, "place": place, "minutes": minutes}
    body = {**form, "attendee_ids": attendee_ids, "topic_ids": topic_ids}
    try:
        made = api.roster.post(f"{GROUPS}/{group_id}/meetings", body)
    except UpstreamError as refused:
        return _meeting_form(request, api, group_id, form, attendee_ids, topic_ids, refusal_to_show(refused))
    flash(request, _("The meeting is recorded."))
    return see_other(f"/t/{user.slug}/deliberation/{group_id}/meetings/{made['id']}")


def _meeting_form(
    request: Request,
    api: Api,
    group_id: uuid.UUID,
    form: dict[str, str],
    attendee_ids: list[str],
    topic_ids: list[str],
    refused: UpstreamError | None = None,
) -> Response:
    found = api.roster.get(f"{GROUPS}/{group_id}")
    return render(
        request,
        "deliberation/meeting_new.html",
        status_code=refused.status if refused else 200,
        section="deliberation",
        group=found,
        members=[member for member in found["members"] if member["left_on"] is None],
        topics=[t for t in api.roster.get(f"{GROUPS}/{group_id}/topics") if t["status"] != "closed"],
        form=form,
        attendee_ids=attendee_ids,
        topic_ids=topic_ids,
        errors=refused.messages if refused else [],
    )


@router.get("/{group_id}/meetings/{meeting_id}")
def meeting(
    request: Request, user: CommitteeUser, api: ApiDep, group_id: uuid.UUID, meeting_id: uuid.UUID
) -> Response:
    found = api.roster.get(f"{GROUPS}/{group_id}/meetings/{meeting_id}")
    topics = {topic["id"]: topic for topic in api.roster.get(f"{GROUPS}/{group_id}/topics")}
    return render(
        request,
        "deliberation/meeting.html",
        section="deliberation",
        group=api.roster.get(f"{GROUPS}/{group_id}"),
        meeting=found,
        topics=[topics[topic_id] for topic_id in found["topic_ids"] if topic_id in topics],
    )
