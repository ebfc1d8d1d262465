"""Where each volunteer wants shift reminders: set by the volunteer's own login or by committee staff."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from linli_scheduling.access import writable_committee
from linli_scheduling.facts.models import VolunteerFact
from linli_scheduling.reminders.exceptions import VolunteerNotFound
from linli_scheduling.reminders.models import Channel, NotificationContact
from linli_scheduling.reminders.repository import ReminderRepository
from linli_scheduling.reminders.schemas import NotificationSettingsOut, NotificationSettingsUpdate
from linli_shared.tenancy import TenantContext


class NotificationSettingsService:
    def __init__(self, session: Session, context: TenantContext) -> None:
        self.session = session
        self.context = context
        self.reminders = ReminderRepository(session, context)

    def of(self, volunteer: VolunteerFact) -> NotificationSettingsOut:
        return _settings_out(volunteer, self.reminders.contact(volunteer))

    def of_volunteer(self, volunteer_id: uuid.UUID) -> NotificationSettingsOut:
        return self.of(self._volunteer(volunteer_id))

    def change(
        self, volunteer: VolunteerFact, request: NotificationSettingsUpdate
    ) -> NotificationSettingsOut:
        context = writable_committee(self.session, self.context)
        if volunteer.tenant_id != context.tenant_id:
            # a town or district login never gets here (not a writer); a committee writes only its own
            raise VolunteerNotFound()
        contact = self.reminders.save_contact(volunteer, request.channel, request.email)
        return _settings_out(volunteer, contact)

    def change_of_volunteer(
        self, volunteer_id: uuid.UUID, request: NotificationSettingsUpdate
    ) -> NotificationSettingsOut:
        return self.change(self._volunteer(volunteer_id), request)

    def _volunteer(self, volunteer_id: uuid.UUID) -> VolunteerFact:
        volunteer = self.reminders.volunteer(volunteer_id)
        if volunteer is None:
            raise VolunteerNotFound()
        return volunteer


def _settings_out(volunteer: VolunteerFact, contact: NotificationContact | None) -> NotificationSettingsOut:
    if contact is None:
        return NotificationSettingsOut(
            volunteer_id=volunteer.volunteer_id, channel=Channel.NONE, email=None, updated_at=None
        )
    return NotificationSettingsOut(
        volunteer_id=volunteer.volunteer_id,
        channel=Channel(contact.channel),
        email=contact.email,
        updated_at=contact.updated_at,
    )
