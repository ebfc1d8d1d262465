"""Mentor pairs (以老带新、结对学): two active volunteers of one committee, a term and goals."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from linli_roster.access import writable_committee
from linli_roster.database import messaging
from linli_roster.events import training as events
from linli_roster.mentoring.exceptions import MentorPairNotFound, PairEnded, PairExists, PartnerNotActive
from linli_roster.mentoring.models import MentorPair
from linli_roster.mentoring.repository import MentorPairRepository
from linli_roster.mentoring.schemas import PairCreate, PairEnd, PairOut, PairPage, PairState
from linli_roster.volunteers.exceptions import VolunteerNotFound
from linli_roster.volunteers.models import Status, Volunteer
from linli_roster.volunteers.repository import VolunteerRepository
from linli_shared.cursors import decode_cursor, encode_cursor
from linli_shared.events.envelope import EventSpec
from linli_shared.problems import Invalid
from linli_shared.tenancy import TenantContext


class MentorPairService:
    def __init__(self, session: Session, context: TenantContext) -> None:
        self.session = session
        self.context = context
        self.pairs = MentorPairRepository(session, context)
        self.volunteers = VolunteerRepository(session, context)

    def page(
        self, state: PairState, volunteer_id: uuid.UUID | None, cursor: str | None, limit: int
    ) -> PairPage:
        found = self.pairs.page(
            state,
            volunteer_id,
            decode_cursor(cursor, date.fromisoformat, uuid.UUID) if cursor else None,
            limit + 1,
        )
        shown = list(found[:limit])
        names = self.pairs.names({pair.mentor_id for pair in shown} | {pair.mentee_id for pair in shown})
        last = shown[-1] if len(found) > limit else None
        return PairPage(
            items=[_out(pair, names) for pair in shown],
            next_cursor=encode_cursor(last.starts_on, last.id) if last else None,
        )

    def get(self, pair_id: uuid.UUID) -> PairOut:
        pair = self._pair(pair_id)
        return _out(pair, self.pairs.names({pair.mentor_id, pair.mentee_id}))

    def form(self, request: PairCreate) -> PairOut:
        context = writable_committee(self.session, self.context)
        # locked in id order, so two requests pairing the same people cannot deadlock
        first, second = sorted((request.mentor_id, request.mentee_id))
        people = {volunteer_id: self._partner(volunteer_id) for volunteer_id in (first, second)}
        mentor, mentee = people[request.mentor_id], people[request.mentee_id]
        if mentor.tenant_id != context.tenant_id or mentee.tenant_id != context.tenant_id:
            raise VolunteerNotFound()
        pair = MentorPair(
            tenant_id=mentor.tenant_id,
            id=uuid.uuid4(),
            tenant_path=mentor.tenant_path,
            mentor_id=mentor.id,
            mentee_id=mentee.id,
            starts_on=request.starts_on,
            ends_on=request.ends_on,
            goals=request.goals,
            created_by=self.context.subject,
        )
        try:
            with self.session.begin_nested():
                self.pairs.add(pair)
        except IntegrityError as error:
            raise PairExists() from error
        self._publish(pair, events.MENTOR_PAIR_FORMED)
        return _out(pair, {mentor.id: mentor.name, mentee.id: mentee.name})

    def end(self, pair_id: uuid.UUID, request: PairEnd) -> PairOut:
        writable_committee(self.session, self.context)
        pair = self._pair(pair_id, for_update=True)
        if pair.ended_on is not None:
            raise PairEnded()
        if request.ended_on < pair.starts_on:
            raise Invalid("A pair cannot end before it starts.")
        pair.ended_on, pair.ended_reason = request.ended_on, request.reason
        self.session.flush()
        self._publish(pair, events.MENTOR_PAIR_ENDED)
        return self.get(pair.id)

    def _partner(self, volunteer_id: uuid.UUID) -> Volunteer:
        volunteer = self.volunteers.get(volunteer_id, for_update=True)
        if volunteer is None:
            raise VolunteerNotFound()
        if volunteer.status != Status.ACTIVE:
            raise PartnerNotActive(f"Volunteer {volunteer.id} has exited.")
        return volunteer

    def _pair(self, pair_id: uuid.UUID, for_update: bool = False) -> MentorPair:
        pair = self.pairs.get(pair_id, for_update=for_update)
        if pair is None:
            raise MentorPairNotFound()
        return pair

    def _publish(self, pair: MentorPair, spec: EventSpec[events.MentorPairV1]) -> None:
        messaging.publish(
            self.session,
            spec,
            events.MentorPairV1(
                pair_id=pair.id,
                mentor_id=pair.mentor_id,
                mentee_id=pair.mentee_id,
                starts_on=pair.starts_on,
                ends_on=pair.ends_on,
                ended_on=pair.ended_on,
                reason=pair.ended_reason,
            ),
            subject=pair.id,
            tenant_id=pair.tenant_id,
            tenant_path=pair.tenant_path,
        )


def _out(pair: MentorPair, names: dict[uuid.UUID, str]) -> PairOut:
    return PairOut(
        id=pair.id,
        mentor_id=pair.mentor_id,
        mentor_name=names.get(pair.mentor_id, ""),
        mentee_id=pair.mentee_id,
        mentee_name=names.get(pair.mentee_id, ""),
        starts_on=pair.starts_on,
        ends_on=pair.ends_on,
        goals=pair.goals,
        ended_on=pair.ended_on,
        ended_reason=pair.ended_reason,
        state=PairState.ENDED if pair.ended_on is not None else PairState.OPEN,
    )
