from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import ColumnElement, SQLColumnExpression, func, select
from sqlalchemy.orm import Session

from linli_roster.deliberation.models import (
    ActionStatus,
    Attendee,
    Decision,
    DeliberationGroup,
    FollowUpAction,
    Meeting,
    MeetingTopic,
    Membership,
    Topic,
    TopicStatus,
)
from linli_roster.volunteers.models import Volunteer
from linli_shared.db import within
from linli_shared.tenancy import TenantContext


class DeliberationRepository:
    def __init__(self, session: Session, context: TenantContext) -> None:
        self.session = session
        self.context = context

    def _mine(self, column: SQLColumnExpression[str]) -> ColumnElement[bool]:
        return within(column, self.context.tenant_path)

    # groups -------------------------------------------------------------------------------------------
    def group(self, group_id: uuid.UUID, for_update: bool = False) -> DeliberationGroup | None:
        query = select(DeliberationGroup).where(
            DeliberationGroup.id == group_id, self._mine(DeliberationGroup.tenant_path)
        )
        return self.session.scalars(query.with_for_update() if for_update else query).first()

    def groups(self) -> Sequence[DeliberationGroup]:
        return self.session.scalars(
            select(DeliberationGroup)
            .where(self._mine(DeliberationGroup.tenant_path))
            .order_by(DeliberationGroup.name, DeliberationGroup.id)
        ).all()

    def counts(self, group_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, tuple[int, int]]:
        """Per group: current members, topics not yet decided or closed."""
        members = dict(
            self.session.execute(
                select(Membership.group_id, func.count())
                .where(
                    Membership.group_id.in_(group_ids),
                    Membership.left_on.is_(None),
                    self._mine(Membership.tenant_path),
                )
                .group_by(Membership.group_id)
            ).all()
        )
        topics = dict(
            self.session.execute(
                select(Topic.group_id, func.count())
                .where(
                    Topic.group_id.in_(group_ids),
                    Topic.status.in_((TopicStatus.OPEN, TopicStatus.IN_DISCUSSION)),
                    self._mine(Topic.tenant_path),
                )
                .group_by(Topic.group_id)
            ).all()
        )
        return {group_id: (members.get(group_id, 0), topics.get(group_id, 0)) for group_id in group_ids}

    # members ------------------------------------------------------------------------------------------
    def memberships(self, group_id: uuid.UUID) -> Sequence[tuple[Membership, str]]:
        rows = self.session.execute(
            select(Membership, Volunteer.name)
            .join(
                Volunteer,
                (Volunteer.tenant_id == Membership.tenant_id) & (Volunteer.id == Membership.volunteer_id),
            )
            .where(Membership.group_id == group_id, self._mine(Membership.tenant_path))
            .order_by(Membership.left_on.desc().nulls_first(), Volunteer.name, Membership.joined_on)
        ).all()
        return [(membership, name) for membership, name in rows]

    def current_membership(self, group_id: uuid.UUID, volunteer_id: uuid.UUID) -> Membership | None:
        return self.session.scalars(
            select(Membership)
            .where(
                Membership.group_id == group_id,
                Membership.volunteer_id == volunteer_id,
                Membership.left_on.is_(None),
                self._mine(Membership.tenant_path),
            )
            .with_for_update()
        ).first()

    def members_on(self, group_id: uuid.UUID, day: date) -> set[uuid.UUID]:
        """Who was a member of the group on that day."""
        return set(
            self.session.scalars(
                select(Membership.volunteer_id).where(
                    Membership.group_id == group_id,
                    Membership.joined_on <= day,
                    (Membership.left_on.is_(None)) | (Membership.left_on >= day),
                    self._mine(Membership.tenant_path),
                )
            ).all()
        )

    # topics -------------------------------------------------------------------------------------------
    def topic(self, group_id: uuid.UUID, topic_id: uuid.UUID, for_update: bool = False) -> Topic | None:
        query = select(Topic).where(
            Topic.id == topic_id, Topic.group_id == group_id, self._mine(Topic.tenant_path)
        )
        return self.session.scalars(query.with_for_update() if for_update else query).first()

    def topics(self, group_id: uuid.UUID, status: TopicStatus | None) -> Sequence[Topic]:
        query = select(Topic).where(Topic.group_id == group_id, self._mine(Topic.tenant_path))
        if status is not None:
            query = query.where(Topic.status == status)
        return self.session.scalars(query.order_by(Topic.raised_on.desc(), Topic.id)).all()

    def meetings_of_topic(self, topic_id: uuid.UUID) -> list[uuid.UUID]:
        return list(
            self.session.scalars(
                select(MeetingTopic.meeting_id)
                .join(
                    Meeting,
                    (Meeting.tenant_id == MeetingTopic.tenant_id) & (Meeting.id == MeetingTopic.meeting_id),
                )
                .where(MeetingTopic.topic_id == topic_id, self._mine(MeetingTopic.tenant_path))
                .order_by(Meeting.held_on, Meeting.id)
            ).all()
        )

    # meetings -----------------------------------------------------------------------------------------
    def meeting(self, group_id: uuid.UUID, meeting_id: uuid.UUID) -> Meeting | None:
        return self.session.scalars(
            select(Meeting).where(
                Meeting.id == meeting_id, Meeting.group_id == group_id, self._mine(Meeting.tenant_path)
            )
        ).first()

    def meetings(self, group_id: uuid.UUID) -> Sequence[Meeting]:
        return self.session.scalars(
            select(Meeting)
            .where(Meeting.group_id == group_id, self._mine(Meeting.tenant_path))
            .order_by(Meeting.held_on.desc(), Meeting.id)
        ).all()

    def attendees(self, meeting_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[tuple[uuid.UUID, str]]]:
        found: dict[uuid.UUID, list[tuple[uuid.UUID, str]]] = {meeting_id: [] for meeting_id in meeting_ids}
        rows = self.session.execute(
            select(Attendee.meeting_id, Attendee.volunteer_id, Volunteer.name)
            .join(
                Volunteer,
                (Volunteer.tenant_id == Attendee.tenant_id) & (Volunteer.id == Attendee.volunteer_id),
            )
            .where(Attendee.meeting_id.in_(meeting_ids), self._mine(Attendee.tenant_path))
            .order_by(Volunteer.name, Volunteer.id)
        ).all()
        for meeting_id, volunteer_id, name in rows:
            found[meeting_id].append((volunteer_id, name))
        return found

    def meeting_topics(self, meeting_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
        found: dict[uuid.UUID, list[uuid.UUID]] = {meeting_id: [] for meeting_id in meeting_ids}
        rows = self.session.execute(
            select(MeetingTopic.meeting_id, MeetingTopic.topic_id)
            .where(MeetingTopic.meeting_id.in_(meeting_ids), self._mine(MeetingTopic.tenant_path))
            .order_by(MeetingTopic.topic_id)
        ).all()
        for meeting_id, topic_id in rows:
            found[meeting_id].append(topic_id)
        return found

    # decisions and actions ----------------------------------------------------------------------------
    def decision(self, group_id: uuid.UUID, decision_id: uuid.UUID) -> tuple[Decision, Topic] | None:
        row = self.session.execute(
            select(Decision, Topic)
            .join(Topic, (Topic.tenant_id == Decision.tenant_id) & (Topic.id == Decision.topic_id))
            .where(
                Decision.id == decision_id,
                Topic.group_id == group_id,
                self._mine(Decision.tenant_path),
            )
        ).first()
        return None if row is None else (row[0], row[1])

    def decisions(self, topic_id: uuid.UUID) -> Sequence[Decision]:
        return self.session.scalars(
            select(Decision)
            .where(Decision.topic_id == topic_id, self._mine(Decision.tenant_path))
            .order_by(Decision.decided_on, Decision.created_at, Decision.id)
        ).all()

    def action(self, group_id: uuid.UUID, action_id: uuid.UUID) -> FollowUpAction | None:
        return self.session.scalars(
            select(FollowUpAction)
            .where(
                FollowUpAction.id == action_id,
                FollowUpAction.group_id == group_id,
                self._mine(FollowUpAction.tenant_path),
            )
            .with_for_update()
        ).first()

    def actions(
        self,
        *,
        group_id: uuid.UUID | None = None,
        decision_ids: Sequence[uuid.UUID] | None = None,
        action_ids: Sequence[uuid.UUID] | None = None,
        status: ActionStatus | None = None,
        due_before: date | None = None,
    ) -> Sequence[tuple[FollowUpAction, uuid.UUID, str]]:
        """Actions with their decision's topic and their owner's name, soonest due first."""
        query = (
            select(FollowUpAction, Decision.topic_id, Volunteer.name)
            .join(
                Decision,
                (Decision.tenant_id == FollowUpAction.tenant_id)
                & (Decision.id == FollowUpAction.decision_id),
            )
            .join(
                Volunteer,
                (Volunteer.tenant_id == FollowUpAction.tenant_id)
                & (Volunteer.id == FollowUpAction.owner_volunteer_id),
            )
            .where(self._mine(FollowUpAction.tenant_path))
        )
        if group_id is not None:
            query = query.where(FollowUpAction.group_id == group_id)
        if decision_ids is not None:
            query = query.where(FollowUpAction.decision_id.in_(decision_ids))
        if action_ids is not None:
            query = query.where(FollowUpAction.id.in_(action_ids))
        if status is not None:
            query = query.where(FollowUpAction.status == status)
        if due_before is not None:
            query = query.where(FollowUpAction.due_on < due_before)
        rows = self.session.execute(
            query.order_by(FollowUpAction.due_on, FollowUpAction.created_at, FollowUpAction.id)
        ).all()
        return [(action, topic_id, name) for action, topic_id, name in rows]

    def add(self, *rows: object) -> None:
        self.session.add_all(rows)
        self.session.flush()
