"""Deliberation groups (议事小组 / 议事圈): members, topics raised by residents (难点堵点), meetings with
minutes, decisions and follow-up actions with owners and due dates."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from linli_roster.access import writable_committee
from linli_roster.database import messaging
from linli_roster.deliberation.exceptions import (
    ActionAlreadyDone,
    ActionNotFound,
    AlreadyMember,
    DecisionNotFound,
    GroupNameTaken,
    GroupNotFound,
    InvalidDeliberation,
    MeetingNotFound,
    MemberNotFound,
    TopicNotFound,
    WrongTopicStatus,
)
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
from linli_roster.deliberation.repository import DeliberationRepository
from linli_roster.deliberation.schemas import (
    ActionComplete,
    ActionCreate,
    ActionOut,
    AttendeeOut,
    DecisionCreate,
    DecisionOut,
    GroupCreate,
    GroupDetail,
    GroupOut,
    GroupUpdate,
    MeetingCreate,
    MeetingOut,
    MemberAdd,
    MemberOut,
    MemberRemove,
    TopicCreate,
    TopicDetail,
    TopicOut,
    TopicStatusChange,
    today_in_shanghai,
)
from linli_roster.events import groups as events
from linli_roster.spaces.exceptions import AreaNotFound
from linli_roster.spaces.models import AreaKind
from linli_roster.spaces.repository import AreaRepository
from linli_roster.volunteers.exceptions import VolunteerNotFound
from linli_roster.volunteers.models import Status, Volunteer
from linli_roster.volunteers.repository import VolunteerRepository
from linli_shared.tenancy import TenantContext

#: how staff may move a topic by hand; `decided` is reached only by recording a decision
TOPIC_MOVES: dict[TopicStatus, frozenset[TopicStatus]] = {
    TopicStatus.OPEN: frozenset({TopicStatus.IN_DISCUSSION, TopicStatus.CLOSED}),
    TopicStatus.IN_DISCUSSION: frozenset({TopicStatus.OPEN, TopicStatus.CLOSED}),
    TopicStatus.DECIDED: frozenset({TopicStatus.IN_DISCUSSION, TopicStatus.CLOSED}),
    TopicStatus.CLOSED: frozenset(),
}


class DeliberationService:
    def __init__(self, session: Session, context: TenantContext) -> None:
        self.session = session
        self.context = context
        self.repo = DeliberationRepository(session, context)
        self.volunteers = VolunteerRepository(session, context)

    # groups -------------------------------------------------------------------------------------------
    def groups(self) -> list[GroupOut]:
        groups = self.repo.groups()
        counts = self.repo.counts([group.id for group in groups])
        return [_group_out(group, *counts[group.id]) for group in groups]

    def group(self, group_id: uuid.UUID) -> GroupDetail:
        group = self._group(group_id)
        members, open_topics = self.repo.counts([group.id])[group.id]
        return GroupDetail(
            **_group_out(group, members, open_topics).model_dump(),
            members=[
                MemberOut(
                    volunteer_id=membership.volunteer_id,
                    name=name,
                    joined_on=membership.joined_on,
                    left_on=membership.left_on,
                    left_reason=membership.left_reason,
                )
                for membership, name in self.repo.memberships(group.id)
            ],
        )

    def create_group(self, request: GroupCreate) -> GroupDetail:
        context = writable_committee(self.session, self.context)
        assert context.tenant_id is not None
        group = DeliberationGroup(
            tenant_id=context.tenant_id,
            id=uuid.uuid4(),
            tenant_path=context.tenant_path,
            name=request.name,
            purpose=request.purpose,
        )
        self._unique_name(group)
        return self.group(group.id)

    def update_group(self, group_id: uuid.UUID, request: GroupUpdate) -> GroupDetail:
        writable_committee(self.session, self.context)
        group = self._group(group_id, for_update=True)
        if request.name is not None:
            group.name = request.name
        if request.purpose is not None:
            group.purpose = request.purpose
        group.updated_at = func.now()
        self._unique_name(group)
        self.session.refresh(group)
        return self.group(group.id)

    def _unique_name(self, group: DeliberationGroup) -> None:
        try:
            with self.session.begin_nested():
                self.repo.add(group)
        except IntegrityError as error:
            raise GroupNameTaken() from error

    # members ------------------------------------------------------------------------------------------
    def add_member(self, group_id: uuid.UUID, request: MemberAdd) -> GroupDetail:
        writable_committee(self.session, self.context)
        group = self._group(group_id, for_update=True)
        volunteer = self._active_volunteer(group, request.volunteer_id)
        if request.joined_on < volunteer.joined_on:
            raise InvalidDeliberation("A membership cannot start before the volunteer joined the roster.")
        if self.repo.current_membership(group.id, volunteer.id) is not None:
            raise AlreadyMember()
        self.repo.add(
            Membership(
                tenant_id=group.tenant_id,
                id=uuid.uuid4(),
                tenant_path=group.tenant_path,
                group_id=group.id,
                volunteer_id=volunteer.id,
                joined_on=request.joined_on,
            )
        )
        return self.group(group.id)

    def remove_member(
        self, group_id: uuid.UUID, volunteer_id: uuid.UUID, request: MemberRemove
    ) -> GroupDetail:
        """Ends the membership; the row stays, so who sat on the group when is never lost."""
        writable_committee(self.session, self.context)
        group = self._group(group_id, for_update=True)
        membership = self.repo.current_membership(group.id, volunteer_id)
        if membership is None:
            raise MemberNotFound()
        if request.left_on < membership.joined_on:
            raise InvalidDeliberation("A membership cannot end before it started.")
        membership.left_on = request.left_on
        membership.left_reason = request.reason
        self.session.flush()
        return self.group(group.id)

    # topics -------------------------------------------------------------------------------------------
    def topics(self, group_id: uuid.UUID, status: TopicStatus | None) -> list[TopicOut]:
        group = self._group(group_id)
        return [_topic_out(topic) for topic in self.repo.topics(group.id, status)]

    def topic(self, group_id: uuid.UUID, topic_id: uuid.UUID) -> TopicDetail:
        topic = self._topic(self._group(group_id), topic_id)
        decisions = self.repo.decisions(topic.id)
        actions = self._actions_out(
            self.repo.actions(group_id=topic.group_id, decision_ids=[decision.id for decision in decisions]),
            today_in_shanghai(),
        )
        return TopicDetail(
            **_topic_out(topic).model_dump(),
            meeting_ids=self.repo.meetings_of_topic(topic.id),
            decisions=[
                _decision_out(decision, [action for action in actions if action.decision_id == decision.id])
                for decision in decisions
            ],
        )

    def raise_topic(self, group_id: uuid.UUID, request: TopicCreate) -> TopicDetail:
        writable_committee(self.session, self.context)
        group = self._group(group_id)
        if request.building_id is not None:
            building = AreaRepository(self.session, self.context).get(request.building_id)
            if building is None or not building.active or building.tenant_id != group.tenant_id:
                raise AreaNotFound("The building was not found.")
            if building.kind != AreaKind.BUILDING:
                raise InvalidDeliberation("A topic's place is a building (楼栋), not a grid or micro-grid.")
        topic = Topic(
            tenant_id=group.tenant_id,
            id=uuid.uuid4(),
            tenant_path=group.tenant_path,
            group_id=group.id,
            title=request.title,
            description=request.description,
            raised_by=request.raised_by,
            building_id=request.building_id,
            raised_on=request.raised_on,
            status=TopicStatus.OPEN,
        )
        self.repo.add(topic)
        return self.topic(group.id, topic.id)

    def move_topic(self, group_id: uuid.UUID, topic_id: uuid.UUID, request: TopicStatusChange) -> TopicDetail:
        writable_committee(self.session, self.context)
        topic = self._topic(self._group(group_id), topic_id, for_update=True)
        if request.status == TopicStatus.DECIDED:
            raise InvalidDeliberation("A topic is decided by recording a decision on it.")
        if request.status not in TOPIC_MOVES[topic.status]:
            raise WrongTopicStatus(f"A topic cannot go from {topic.status} to {request.status.value}.")
        if request.status == TopicStatus.CLOSED:
            decisions = [decision.id for decision in self.repo.decisions(topic.id)]
            if decisions and self.repo.actions(decision_ids=decisions, status=ActionStatus.OPEN):
                raise WrongTopicStatus("Follow-up actions of this topic are still open.")
        self._set_status(topic, request.status)
        return self.topic(topic.group_id, topic.id)

    def _set_status(self, topic: Topic, status: TopicStatus) -> None:
        topic.status = status
        topic.updated_at = func.now()
        self.session.flush()
        self.session.refresh(topic)

    # meetings -----------------------------------------------------------------------------------------
    def meetings(self, group_id: uuid.UUID) -> list[MeetingOut]:
        return self._meetings_out(self.repo.meetings(self._group(group_id).id))

    def meeting(self, group_id: uuid.UUID, meeting_id: uuid.UUID) -> MeetingOut:
        return self._meetings_out([self._meeting(self._group(group_id), meeting_id)])[0]

    def hold_meeting(self, group_id: uuid.UUID, request: MeetingCreate) -> MeetingOut:
        writable_committee(self.session, self.context)
        group = self._group(group_id, for_update=True)
        attendee_ids = list(dict.fromkeys(request.attendee_ids))
        topic_ids = list(dict.fromkeys(request.topic_ids))
        for volunteer_id in attendee_ids:
            volunteer = self.volunteers.get(volunteer_id)
            if volunteer is None or volunteer.tenant_id != group.tenant_id:
                raise VolunteerNotFound(f"Attendee {volunteer_id} was not found.")
        outsiders = set(attendee_ids) - self.repo.members_on(group.id, request.held_on)
        if outsiders:
            raise InvalidDeliberation(
                "Attendees must be members of the group on the day of the meeting.",
                not_members=sorted(str(volunteer_id) for volunteer_id in outsiders),
            )
        topics = [self._topic(group, topic_id, for_update=True) for topic_id in topic_ids]
        for topic in topics:
            if topic.status == TopicStatus.CLOSED:
                raise WrongTopicStatus(f"Topic {topic.id} is closed.")
            if topic.raised_on > request.held_on:
                raise InvalidDeliberation(f"Topic {topic.id} was raised after this meeting.")
        meeting = Meeting(
            tenant_id=group.tenant_id,
            id=uuid.uuid4(),
            tenant_path=group.tenant_path,
            group_id=group.id,
            held_on=request.held_on,
            place=request.place,
            minutes=request.minutes,
            recorded_by=self.context.subject,
        )
        self.repo.add(meeting)
        self.repo.add(
            *(
                Attendee(
                    tenant_id=group.tenant_id,
                    meeting_id=meeting.id,
                    volunteer_id=volunteer_id,
                    tenant_path=group.tenant_path,
                )
                for volunteer_id in attendee_ids
            ),
            *(self._discussed(meeting, topic) for topic in topics),
        )
        for topic in topics:
            if topic.status == TopicStatus.OPEN:
                self._set_status(topic, TopicStatus.IN_DISCUSSION)
        return self.meeting(group.id, meeting.id)

    def _discussed(self, meeting: Meeting, topic: Topic) -> MeetingTopic:
        return MeetingTopic(
            tenant_id=meeting.tenant_id,
            meeting_id=meeting.id,
            topic_id=topic.id,
            tenant_path=meeting.tenant_path,
        )

    # decisions and actions ----------------------------------------------------------------------------
    def decide(self, group_id: uuid.UUID, topic_id: uuid.UUID, request: DecisionCreate) -> DecisionOut:
        writable_committee(self.session, self.context)
        group = self._group(group_id)
        topic = self._topic(group, topic_id, for_update=True)
        if topic.status == TopicStatus.CLOSED:
            raise WrongTopicStatus("The topic is closed.")
        if request.decided_on < topic.raised_on:
            raise InvalidDeliberation("A decision cannot come before the topic was raised.")
        meeting = None
        if request.meeting_id is not None:
            meeting = self._meeting(group, request.meeting_id)
            if meeting.held_on != request.decided_on:
                raise InvalidDeliberation("A decision taken at a meeting carries the meeting's date.")
        decision = Decision(
            tenant_id=topic.tenant_id,
            id=uuid.uuid4(),
            tenant_path=topic.tenant_path,
            topic_id=topic.id,
            meeting_id=meeting.id if meeting else None,
            text=request.text,
            decided_on=request.decided_on,
            recorded_by=self.context.subject,
        )
        self.repo.add(decision)
        if meeting is not None and meeting.id not in self.repo.meetings_of_topic(topic.id):
            self.repo.add(self._discussed(meeting, topic))
        self._set_status(topic, TopicStatus.DECIDED)
        messaging.publish(
            self.session,
            events.DELIBERATION_DECISION_RECORDED,
            events.DecisionRecordedV1(
                group_id=group.id,
                topic_id=topic.id,
                decision_id=decision.id,
                meeting_id=decision.meeting_id,
                decided_on=decision.decided_on,
            ),
            subject=group.id,
            tenant_id=group.tenant_id,
            tenant_path=group.tenant_path,
        )
        return _decision_out(decision, [])

    def add_action(self, group_id: uuid.UUID, decision_id: uuid.UUID, request: ActionCreate) -> ActionOut:
        writable_committee(self.session, self.context)
        group = self._group(group_id)
        found = self.repo.decision(group.id, decision_id)
        if found is None:
            raise DecisionNotFound()
        decision, topic = found
        if topic.status == TopicStatus.CLOSED:
            raise WrongTopicStatus("The topic is closed.")
        owner = self._active_volunteer(group, request.owner_volunteer_id)
        if request.due_on < decision.decided_on:
            raise InvalidDeliberation("An action cannot be due before its decision was taken.")
        action = FollowUpAction(
            tenant_id=group.tenant_id,
            id=uuid.uuid4(),
            tenant_path=group.tenant_path,
            group_id=group.id,
            decision_id=decision.id,
            description=request.description,
            owner_volunteer_id=owner.id,
            due_on=request.due_on,
            status=ActionStatus.OPEN,
        )
        self.repo.add(action)
        return self._action(action.id)

    def complete_action(
        self, group_id: uuid.UUID, action_id: uuid.UUID, request: ActionComplete
    ) -> ActionOut:
        writable_committee(self.session, self.context)
        group = self._group(group_id)
        action = self.repo.action(group.id, action_id)
        if action is None:
            raise ActionNotFound()
        if action.status == ActionStatus.DONE:
            raise ActionAlreadyDone()
        found = self.repo.decision(group.id, action.decision_id)
        assert found is not None
        if request.completed_on < found[0].decided_on:
            raise InvalidDeliberation("An action cannot be done before its decision was taken.")
        action.status = ActionStatus.DONE
        action.completed_on = request.completed_on
        action.completion_note = request.note
        self.session.flush()
        messaging.publish(
            self.session,
            events.DELIBERATION_ACTION_COMPLETED,
            events.ActionCompletedV1(
                group_id=group.id,
                decision_id=action.decision_id,
                action_id=action.id,
                owner_volunteer_id=action.owner_volunteer_id,
                due_on=action.due_on,
                completed_on=request.completed_on,
            ),
            subject=group.id,
            tenant_id=group.tenant_id,
            tenant_path=group.tenant_path,
        )
        return self._action(action.id)

    def actions(
        self,
        group_id: uuid.UUID | None,
        status: ActionStatus | None,
        overdue: bool,
        as_of: date | None,
    ) -> list[ActionOut]:
        """Follow-up actions; `overdue` keeps the open ones due before `as_of` (today in Shanghai)."""
        day = as_of or today_in_shanghai()
        if group_id is not None:
            self._group(group_id)
        rows = self.repo.actions(
            group_id=group_id,
            status=ActionStatus.OPEN if overdue else status,
            due_before=day if overdue else None,
        )
        return self._actions_out(rows, day)

    def _action(self, action_id: uuid.UUID) -> ActionOut:
        return self._actions_out(self.repo.actions(action_ids=[action_id]), today_in_shanghai())[0]

    # helpers ------------------------------------------------------------------------------------------
    def _group(self, group_id: uuid.UUID, for_update: bool = False) -> DeliberationGroup:
        group = self.repo.group(group_id, for_update)
        if group is None:
            raise GroupNotFound()
        return group

    def _topic(self, group: DeliberationGroup, topic_id: uuid.UUID, for_update: bool = False) -> Topic:
        topic = self.repo.topic(group.id, topic_id, for_update)
        if topic is None:
            raise TopicNotFound()
        return topic

    def _meeting(self, group: DeliberationGroup, meeting_id: uuid.UUID) -> Meeting:
        meeting = self.repo.meeting(group.id, meeting_id)
        if meeting is None:
            raise MeetingNotFound()
        return meeting

    def _active_volunteer(self, group: DeliberationGroup, volunteer_id: uuid.UUID) -> Volunteer:
        volunteer = self.volunteers.get(volunteer_id)
        if volunteer is None or volunteer.status != Status.ACTIVE or volunteer.tenant_id != group.tenant_id:
            raise VolunteerNotFound("An active volunteer of this committee was not found.")
        return volunteer

    def _meetings_out(self, meetings: Sequence[Meeting]) -> list[MeetingOut]:
        ids = [meeting.id for meeting in meetings]
        attendees, topics = self.repo.attendees(ids), self.repo.meeting_topics(ids)
        return [
            MeetingOut(
                id=meeting.id,
                group_id=meeting.group_id,
                held_on=meeting.held_on,
                place=meeting.place,
                minutes=meeting.minutes,
                attendees=[AttendeeOut(volunteer_id=vid, name=name) for vid, name in attendees[meeting.id]],
                topic_ids=topics[meeting.id],
                recorded_by=meeting.recorded_by,
            )
            for meeting in meetings
        ]

    @staticmethod
    def _actions_out(rows: Sequence[tuple[FollowUpAction, uuid.UUID, str]], day: date) -> list[ActionOut]:
        return [
            ActionOut(
                id=action.id,
                group_id=action.group_id,
                decision_id=action.decision_id,
                topic_id=topic_id,
                description=action.description,
                owner_volunteer_id=action.owner_volunteer_id,
                owner_name=owner_name,
                due_on=action.due_on,
                status=action.status,
                completed_on=action.completed_on,
                completion_note=action.completion_note,
                overdue=action.status == ActionStatus.OPEN and action.due_on < day,
            )
            for action, topic_id, owner_name in rows
        ]


def _group_out(group: DeliberationGroup, members: int, open_topics: int) -> GroupOut:
    return GroupOut(
        id=group.id,
        name=group.name,
        purpose=group.purpose,
        member_count=members,
        open_topics=open_topics,
        updated_at=group.updated_at,
    )


def _topic_out(topic: Topic) -> TopicOut:
    return TopicOut(
        id=topic.id,
        group_id=topic.group_id,
        title=topic.title,
        description=topic.description,
        raised_by=topic.raised_by,
        building_id=topic.building_id,
        raised_on=topic.raised_on,
        status=topic.status,
        updated_at=topic.updated_at,
    )


def _decision_out(decision: Decision, actions: list[ActionOut]) -> DecisionOut:
    return DecisionOut(
        id=decision.id,
        topic_id=decision.topic_id,
        meeting_id=decision.meeting_id,
        text=decision.text,
        decided_on=decision.decided_on,
        recorded_by=decision.recorded_by,
        actions=actions,
    )
