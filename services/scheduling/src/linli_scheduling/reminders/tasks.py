"""Sending shift reminders, each at most once.

Every reminder is claimed in its own committed transaction before anything is sent: a retried task, or a
second worker running at the same moment, finds the claim and leaves the reminder alone. The send itself
happens outside any transaction (an SMTP conversation must not hold row locks); its outcome is written
afterwards. A worker that dies between claim and outcome leaves the reminder claimed, and it is never
sent: a missed reminder is better than a volunteer receiving the same one twice."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

from linli_scheduling.reminders.notifier import LogNotifier, Notification, Notifier
from linli_scheduling.reminders.repository import DueReminder, ReminderRepository
from linli_shared.clock import SHANGHAI
from linli_shared.db import Database
from linli_shared.tenancy import Role, TenantContext

logger = logging.getLogger(__name__)
WEEKDAYS = ("一", "二", "三", "四", "五", "六", "日")


def send_due_reminders(
    database: Database,
    notifier: Notifier,
    tenant_id: uuid.UUID,
    tenant_path: str,
    now: datetime,
    lead: timedelta,
) -> int:
    """Remind every confirmed volunteer of a shift starting within (now, now + lead] who asked for email
    reminders; returns how many reminders were sent."""
    context = TenantContext(tenant_id, tenant_path, Role.SERVICE, subject="task:reminders")
    with database.transaction(context) as session:
        due = ReminderRepository(session, context).due(now, lead)
    sent = 0
    for reminder in due:
        with database.transaction(context) as session:
            if not ReminderRepository(session, context).claim(reminder):
                continue
        error = _deliver(notifier, reminder)
        with database.transaction(context) as session:
            repository = ReminderRepository(session, context)
            if error is None:
                repository.mark_sent(reminder)
                sent += 1
            else:
                repository.mark_failed(reminder, error)
    return sent


def _deliver(notifier: Notifier, reminder: DueReminder) -> str | None:
    """None when delivered, else why not."""
    try:
        notifier.send(notification(reminder))
    except Exception as error:
        logger.warning(
            "reminder failed",
            exc_info=True,
            extra={"signup_id": str(reminder.signup_id), "tenant_id": str(reminder.tenant_id)},
        )
        return f"{type(error).__name__}: {error}"
    if not notifier.delivers:
        return LogNotifier.REASON
    return None


def message_id(reminder: DueReminder) -> str:
    """One per sign-up's reminder, whatever the attempt."""
    return f"reminder.{reminder.tenant_id.hex}.{reminder.signup_id.hex}"


def notification(reminder: DueReminder) -> Notification:
    """The reminder in Chinese, its time on the Shanghai wall clock."""
    starts = reminder.starts_at.astimezone(SHANGHAI)
    ends = reminder.ends_at.astimezone(SHANGHAI)
    day = f"{starts.year}年{starts.month}月{starts.day}日（星期{WEEKDAYS[starts.weekday()]}）"
    until = (
        ends.strftime("%H:%M") if ends.date() == starts.date() else f"{ends.month}月{ends.day}日 {ends:%H:%M}"
    )
    place = "，".join(part for part in (reminder.area_name, reminder.place) if part) or "见活动安排"
    body = (
        f"{reminder.volunteer_name}，您好：\n\n"
        f"您报名的志愿服务即将开始，请准时到场签到。\n\n"
        f"活动：{reminder.activity_name}\n"
        f"地点：{place}\n"
        f"时间：{day} {starts:%H:%M}–{until}（北京时间）\n\n"
        f"如不能参加，请尽早取消报名，好让候补的志愿者补上。\n\n"
        f"邻里志愿服务\n"
    )
    return Notification(
        to=reminder.email,
        subject=f"志愿服务提醒：{reminder.activity_name}，{starts.month}月{starts.day}日 {starts:%H:%M}",
        body=body,
        message_id=message_id(reminder),
    )
