from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from linli_scheduling.activities.models import Activity, Shift, ShiftStatus
from linli_scheduling.facts.models import AreaFact, VolunteerFact
from linli_scheduling.reminders.models import Channel, DeliveryState, NotificationContact, Reminder
from linli_scheduling.signups.models import Signup, SignupStatus
from linli_shared.db import within
from linli_shared.tenancy import TenantContext

#: a reminder that failed this often is given up: a relay refusing it five times will not take it now
MAX_ATTEMPTS = 5
#: the longest error text kept on a reminder row
ERROR_LENGTH = 2000


@dataclass(frozen=True)
class DueReminder:
    """Everything one reminder needs, read before it is claimed (the send happens outside a transaction)."""

    tenant_id: uuid.UUID
    tenant_path: str
    signup_id: uuid.UUID
    shift_id: uuid.UUID
    volunteer_id: uuid.UUID
    volunteer_name: str
    email: str
    activity_name: str
    place: str
    area_name: str | None
    starts_at: datetime
    ends_at: datetime


class ReminderRepository:
    def __init__(self, session: Session, context: TenantContext) -> None:
        self.session = session
        self.context = context

    # contacts -----------------------------------------------------------------------------------------

    def volunteer(self, volunteer_id: uuid.UUID) -> VolunteerFact | None:
        return self.session.scalars(
            select(VolunteerFact).where(
                VolunteerFact.volunteer_id == volunteer_id,
                within(VolunteerFact.tenant_path, self.context.tenant_path),
            )
        ).first()

    def contact(self, volunteer: VolunteerFact) -> NotificationContact | None:
        return self.session.get(NotificationContact, (volunteer.tenant_id, volunteer.volunteer_id))

    def save_contact(
        self, volunteer: VolunteerFact, channel: Channel, email: str | None
    ) -> NotificationContact:
        """Insert or replace in one statement, so two saves at once cannot collide on the key."""
        changes = {"channel": channel, "email": email, "updated_by": self.context.subject}
        statement = (
            insert(NotificationContact)
            .values(
                tenant_id=volunteer.tenant_id,
                volunteer_id=volunteer.volunteer_id,
                tenant_path=volunteer.tenant_path,
                **changes,
            )
            .on_conflict_do_update(
                index_elements=["tenant_id", "volunteer_id"], set_={**changes, "updated_at": func.now()}
            )
            .returning(NotificationContact)
        )
        return self.session.scalars(statement, execution_options={"populate_existing": True}).one()

    # reminders ----------------------------------------------------------------------------------------

    def due(self, now: datetime, lead: timedelta) -> list[DueReminder]:
        """Confirmed sign-ups of scheduled shifts starting within (now, now + lead] whose volunteer wants
        email reminders, and that have no reminder yet (or only a failed one still worth retrying)."""
        tenant_id = self.context.tenant_id
        rows = self.session.execute(
            select(
                Signup.tenant_id,
                Signup.tenant_path,
                Signup.id.label("signup_id"),
                Signup.shift_id,
                Signup.volunteer_id,
                VolunteerFact.name.label("volunteer_name"),
                NotificationContact.email,
                Activity.name.label("activity_name"),
                Activity.place,
                AreaFact.name.label("area_name"),
                Shift.starts_at,
                Shift.ends_at,
            )
            .join(Shift, and_(Shift.tenant_id == Signup.tenant_id, Shift.id == Signup.shift_id))
            .join(Activity, and_(Activity.tenant_id == Shift.tenant_id, Activity.id == Shift.activity_id))
            .join(
                VolunteerFact,
                and_(
                    VolunteerFact.tenant_id == Signup.tenant_id,
                    VolunteerFact.volunteer_id == Signup.volunteer_id,
                ),
            )
            .join(
                NotificationContact,
                and_(
                    NotificationContact.tenant_id == Signup.tenant_id,
                    NotificationContact.volunteer_id == Signup.volunteer_id,
                ),
            )
            .outerjoin(
                AreaFact, and_(AreaFact.tenant_id == Activity.tenant_id, AreaFact.area_id == Activity.area_id)
            )
            .outerjoin(
                Reminder, and_(Reminder.tenant_id == Signup.tenant_id, Reminder.signup_id == Signup.id)
            )
            .where(
                Signup.tenant_id == tenant_id,
                Signup.status == SignupStatus.CONFIRMED,
                Shift.status == ShiftStatus.SCHEDULED,
                Shift.starts_at > now,
                Shift.starts_at <= now + lead,
                VolunteerFact.status == "active",
                NotificationContact.channel == Channel.EMAIL,
                NotificationContact.email.is_not(None),
                or_(
                    Reminder.signup_id.is_(None),
                    and_(Reminder.state == DeliveryState.FAILED, Reminder.attempts < MAX_ATTEMPTS),
                ),
            )
            .order_by(Shift.starts_at, Signup.id)
        ).all()
        return [DueReminder(**row._mapping) for row in rows]

    def claim(self, due: DueReminder) -> bool:
        """Take the reminder for this caller alone: a new row, or a failed one taken back. Whoever loses a
        race (the key is taken, or another caller took the failed row first) gets False. The sign-up is
        held while claiming, so one cancelled meanwhile is not claimed."""
        confirmed = self.session.scalar(
            select(Signup.id)
            .where(
                Signup.tenant_id == due.tenant_id,
                Signup.id == due.signup_id,
                Signup.status == SignupStatus.CONFIRMED,
            )
            .with_for_update(read=True)
        )
        if confirmed is None:
            return False
        created = self.session.execute(
            insert(Reminder)
            .values(
                tenant_id=due.tenant_id,
                signup_id=due.signup_id,
                tenant_path=due.tenant_path,
                shift_id=due.shift_id,
                volunteer_id=due.volunteer_id,
                channel=Channel.EMAIL,
                state=DeliveryState.CLAIMED,
                attempts=1,
            )
            .on_conflict_do_nothing(index_elements=["tenant_id", "signup_id"])
            .returning(Reminder.signup_id)
        ).first()
        if created is not None:
            return True
        # another attempt: under READ COMMITTED a concurrent claimer waits on the row lock, re-reads the
        # state it left as `claimed`, and updates nothing
        retaken = self.session.execute(
            update(Reminder)
            .where(
                Reminder.tenant_id == due.tenant_id,
                Reminder.signup_id == due.signup_id,
                Reminder.state == DeliveryState.FAILED,
                Reminder.attempts < MAX_ATTEMPTS,
            )
            .values(state=DeliveryState.CLAIMED, attempts=Reminder.attempts + 1, claimed_at=func.now())
            .returning(Reminder.signup_id)
            .execution_options(synchronize_session=False)
        ).first()
        return retaken is not None

    def mark_sent(self, due: DueReminder) -> None:
        self._settle(due, state=DeliveryState.SENT, sent_at=func.now())

    def mark_failed(self, due: DueReminder, error: str) -> None:
        self._settle(due, state=DeliveryState.FAILED, last_error=error[:ERROR_LENGTH])

    def _settle(self, due: DueReminder, **values: object) -> None:
        self.session.execute(
            update(Reminder)
            .where(
                Reminder.tenant_id == due.tenant_id,
                Reminder.signup_id == due.signup_id,
                Reminder.state == DeliveryState.CLAIMED,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
