from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, status

from linli_roster.access import Reader, Writer
from linli_roster.deliberation.models import ActionStatus, TopicStatus
from linli_roster.deliberation.schemas import (
    ActionComplete,
    ActionCreate,
    ActionOut,
    DecisionCreate,
    DecisionOut,
    GroupCreate,
    GroupDetail,
    GroupOut,
    GroupUpdate,
    MeetingCreate,
    MeetingOut,
    MemberAdd,
    MemberRemove,
    TopicCreate,
    TopicDetail,
    TopicOut,
    TopicStatusChange,
)
from linli_roster.deliberation.service import DeliberationService
from linli_shared.dependencies import ContextSession
from linli_shared.openapi import PROBLEM_RESPONSES

groups = APIRouter(prefix="/v1/deliberation-groups", tags=["deliberation"], responses=PROBLEM_RESPONSES)
follow_up = APIRouter(prefix="/v1/deliberation-actions", tags=["deliberation"], responses=PROBLEM_RESPONSES)


@groups.get("", summary="The committee's deliberation groups (议事小组)")
def list_groups(context: Reader, session: ContextSession) -> list[GroupOut]:
    return DeliberationService(session, context).groups()


@groups.post("", status_code=status.HTTP_201_CREATED)
def create_group(body: GroupCreate, context: Writer, session: ContextSession) -> GroupDetail:
    return DeliberationService(session, context).create_group(body)


@groups.get("/{group_id}", summary="A group with its current and past members")
def get_group(group_id: uuid.UUID, context: Reader, session: ContextSession) -> GroupDetail:
    return DeliberationService(session, context).group(group_id)


@groups.patch("/{group_id}", summary="Rename, or change the purpose")
def update_group(
    group_id: uuid.UUID, body: GroupUpdate, context: Writer, session: ContextSession
) -> GroupDetail:
    return DeliberationService(session, context).update_group(group_id, body)


@groups.post("/{group_id}/members", status_code=status.HTTP_201_CREATED, summary="Add an active volunteer")
def add_member(group_id: uuid.UUID, body: MemberAdd, context: Writer, session: ContextSession) -> GroupDetail:
    return DeliberationService(session, context).add_member(group_id, body)


@groups.post("/{group_id}/members/{volunteer_id}/leave", summary="End a membership (history is kept)")
def remove_member(
    group_id: uuid.UUID, volunteer_id: uuid.UUID, body: MemberRemove, context: Writer, session: ContextSession
) -> GroupDetail:
    return DeliberationService(session, context).remove_member(group_id, volunteer_id, body)


@groups.get("/{group_id}/topics", summary="Topics raised by residents (难点堵点), newest first")
def list_topics(
    group_id: uuid.UUID,
    context: Reader,
    session: ContextSession,
    status_: Annotated[TopicStatus | None, Query(alias="status")] = None,
) -> list[TopicOut]:
    return DeliberationService(session, context).topics(group_id, status_)


@groups.post("/{group_id}/topics", status_code=status.HTTP_201_CREATED, summary="Record a residents' topic")
def raise_topic(
    group_id: uuid.UUID, body: TopicCreate, context: Writer, session: ContextSession
) -> TopicDetail:
    return DeliberationService(session, context).raise_topic(group_id, body)


@groups.get("/{group_id}/topics/{topic_id}", summary="A topic with its meetings, decisions and actions")
def get_topic(
    group_id: uuid.UUID, topic_id: uuid.UUID, context: Reader, session: ContextSession
) -> TopicDetail:
    return DeliberationService(session, context).topic(group_id, topic_id)


@groups.post("/{group_id}/topics/{topic_id}/status", summary="Move a topic: open, in discussion, closed")
def move_topic(
    group_id: uuid.UUID,
    topic_id: uuid.UUID,
    body: TopicStatusChange,
    context: Writer,
    session: ContextSession,
) -> TopicDetail:
    return DeliberationService(session, context).move_topic(group_id, topic_id, body)


@groups.post(
    "/{group_id}/topics/{topic_id}/decisions",
    status_code=status.HTTP_201_CREATED,
    summary="Record a decision on a topic",
)
def decide(
    group_id: uuid.UUID, topic_id: uuid.UUID, body: DecisionCreate, context: Writer, session: ContextSession
) -> DecisionOut:
    return DeliberationService(session, context).decide(group_id, topic_id, body)


@groups.get("/{group_id}/meetings", summary="Meetings, newest first")
def list_meetings(group_id: uuid.UUID, context: Reader, session: ContextSession) -> list[MeetingOut]:
    return DeliberationService(session, context).meetings(group_id)


@groups.post(
    "/{group_id}/meetings",
    status_code=status.HTTP_201_CREATED,
    summary="Record a meeting: attendees among the members, minutes, topics discussed",
)
def hold_meeting(
    group_id: uuid.UUID, body: MeetingCreate, context: Writer, session: ContextSession
) -> MeetingOut:
    return DeliberationService(session, context).hold_meeting(group_id, body)


@groups.get("/{group_id}/meetings/{meeting_id}")
def get_meeting(
    group_id: uuid.UUID, meeting_id: uuid.UUID, context: Reader, session: ContextSession
) -> MeetingOut:
    return DeliberationService(session, context).meeting(group_id, meeting_id)


@groups.post(
    "/{group_id}/decisions/{decision_id}/actions",
    status_code=status.HTTP_201_CREATED,
    summary="Add a follow-up action with an owner and a due date",
)
def add_action(
    group_id: uuid.UUID, decision_id: uuid.UUID, body: ActionCreate, context: Writer, session: ContextSession
) -> ActionOut:
    return DeliberationService(session, context).add_action(group_id, decision_id, body)


@groups.post("/{group_id}/actions/{action_id}/complete", summary="Mark a follow-up action done, with a note")
def complete_action(
    group_id: uuid.UUID, action_id: uuid.UUID, body: ActionComplete, context: Writer, session: ContextSession
) -> ActionOut:
    return DeliberationService(session, context).complete_action(group_id, action_id, body)


@follow_up.get("", summary="Follow-up actions of every group; `overdue=true` for open ones past due")
def list_actions(
    context: Reader,
    session: ContextSession,
    group_id: uuid.UUID | None = None,
    status_: Annotated[ActionStatus | None, Query(alias="status")] = None,
    overdue: bool = False,
    as_of: date | None = None,
) -> list[ActionOut]:
    """`as_of` is the day overdue is measured against; by default today in Asia/Shanghai."""
    return DeliberationService(session, context).actions(group_id, status_, overdue, as_of)


router = APIRouter()
router.include_router(groups)
router.include_router(follow_up)
