from __future__ import annotations

import uuid

from fastapi import APIRouter

from linli_scheduling.access import Me, Reader, Writer
from linli_scheduling.reminders.schemas import NotificationSettingsOut, NotificationSettingsUpdate
from linli_scheduling.reminders.service import NotificationSettingsService
from linli_shared.auth import CurrentContext
from linli_shared.dependencies import ContextSession
from linli_shared.openapi import PROBLEM_RESPONSES

router = APIRouter(tags=["reminders"], responses=PROBLEM_RESPONSES)


@router.get("/v1/me/notification-settings", summary="Where my shift reminders go")
def my_settings(me: Me, context: CurrentContext, session: ContextSession) -> NotificationSettingsOut:
    return NotificationSettingsService(session, context).of(me)


@router.put("/v1/me/notification-settings", summary="Choose email reminders (with an address) or none")
def change_my_settings(
    body: NotificationSettingsUpdate, me: Me, context: CurrentContext, session: ContextSession
) -> NotificationSettingsOut:
    return NotificationSettingsService(session, context).change(me, body)


@router.get("/v1/volunteers/{volunteer_id}/notification-settings", summary="Where a volunteer's reminders go")
def volunteer_settings(
    volunteer_id: uuid.UUID, context: Reader, session: ContextSession
) -> NotificationSettingsOut:
    return NotificationSettingsService(session, context).of_volunteer(volunteer_id)


@router.put(
    "/v1/volunteers/{volunteer_id}/notification-settings",
    summary="Set a volunteer's reminders for them (one without a login of their own, say)",
)
def change_volunteer_settings(
    volunteer_id: uuid.UUID, body: NotificationSettingsUpdate, context: Writer, session: ContextSession
) -> NotificationSettingsOut:
    return NotificationSettingsService(session, context).change_of_volunteer(volunteer_id, body)
