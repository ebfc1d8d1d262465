from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, DateTime, PrimaryKeyConstraint, String, func
from sqlalchemy.orm import Mapped, mapped_column

from linli_roster.database import RosterBase
from linli_shared.db import Ltree


class TopicStatus(StrEnum):
    OPEN = "open"  # 待议
    IN_DISCUSSION = "in_discussion"  # 议事中
    DECIDED = "decided"  # 已决议
    CLOSED = "closed"  # 已办结


class ActionStatus(StrEnum):
    OPEN = "open"
    DONE = "done"


class DeliberationGroup(RosterBase):
    """A deliberation group (议事小组 / 议事圈) of the committee's volunteers."""

    __tablename__ = "deliberation_groups"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    name: Mapped[str] = mapped_column(String(60))
    purpose: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Membership(RosterBase):
    """One stretch of a volunteer's membership; leaving ends it, a later return starts another."""

    __tablename__ = "deliberation_members"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    group_id: Mapped[uuid.UUID]
    volunteer_id: Mapped[uuid.UUID]
    joined_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    left_reason: Mapped[str | None] = mapped_column(String(500))


class Topic(RosterBase):
    """A difficulty raised by residents (难点堵点)."""

    __tablename__ = "deliberation_topics"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    group_id: Mapped[uuid.UUID]
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(String(2000), default="")
    raised_by: Mapped[str] = mapped_column(String(50))
    building_id: Mapped[uuid.UUID | None]
    raised_on: Mapped[date] = mapped_column(Date)
    status: Mapped[TopicStatus] = mapped_column(String(16), default=TopicStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Meeting(RosterBase):
    __tablename__ = "deliberation_meetings"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    group_id: Mapped[uuid.UUID]
    held_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(100))
    minutes: Mapped[str] = mapped_column(String(20000), default="")
    recorded_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Attendee(RosterBase):
    __tablename__ = "deliberation_attendees"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "meeting_id", "volunteer_id"),)

    tenant_id: Mapped[uuid.UUID]
    meeting_id: Mapped[uuid.UUID]
    volunteer_id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)


class MeetingTopic(RosterBase):
    __tablename__ = "deliberation_meeting_topics"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "meeting_id", "topic_id"),)

    tenant_id: Mapped[uuid.UUID]
    meeting_id: Mapped[uuid.UUID]
    topic_id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)


class Decision(RosterBase):
    """What the group decided on a topic; never edited, a later decision supersedes it."""

    __tablename__ = "deliberation_decisions"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    topic_id: Mapped[uuid.UUID]
    meeting_id: Mapped[uuid.UUID | None]
    text: Mapped[str] = mapped_column(String(2000))
    decided_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class FollowUpAction(RosterBase):
    """A follow-up action of a decision, with an owner and a due date."""

    __tablename__ = "deliberation_actions"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    group_id: Mapped[uuid.UUID]
    decision_id: Mapped[uuid.UUID]
    description: Mapped[str] = mapped_column(String(500))
    owner_volunteer_id: Mapped[uuid.UUID]
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[ActionStatus] = mapped_column(String(8), default=ActionStatus.OPEN)
    completed_on: Mapped[date | None] = mapped_column(Date)
    completion_note: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
