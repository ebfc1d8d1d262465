"""The notification port reminders go out through, and its adapters: an SMTP relay, or — when none is
configured — a log line saying the reminder could not be delivered."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from typing import ClassVar, Protocol

from linli_scheduling.config import SchedulingSettings

logger = logging.getLogger(__name__)

#: how long one SMTP conversation may take before the send counts as failed (and may be retried)
SMTP_TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class Notification:
    to: str
    subject: str
    body: str
    #: the same for every attempt at one reminder (the left part of its Message-ID), so a relay that
    #: sees a retry of a message it already passed on can drop it
    message_id: str


class Notifier(Protocol):
    #: False for an adapter that cannot reach anyone: what it is handed is recorded as failed, not sent
    delivers: ClassVar[bool]

    def send(self, message: Notification) -> None:
        """Hand the message on, or raise: a send that returns counts as delivered (when `delivers`)."""
        ...


class SmtpNotifier:
    delivers: ClassVar[bool] = True

    def __init__(self, host: str, port: int, sender: str) -> None:
        self.host = host
        self.port = port
        self.sender = sender

    def send(self, message: Notification) -> None:
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = message.to
        email["Subject"] = message.subject
        email["Date"] = formatdate(localtime=False, usegmt=True)
        email["Message-ID"] = f"<{message.message_id}@{self._domain()}>"
        email.set_content(message.body, charset="utf-8")
        with smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
            smtp.send_message(email)

    def _domain(self) -> str:
        return parseaddr(self.sender)[1].rpartition("@")[2] or "linli.local"


class LogNotifier:
    """Stands in when no SMTP relay is configured: nothing reaches the volunteer, so nothing claims it did."""

    delivers: ClassVar[bool] = False
    #: what the reminder's row records as its error
    REASON = "no SMTP relay is configured (LINLI_SCHEDULING_SMTP_HOST is unset): not delivered by email"

    def send(self, message: Notification) -> None:
        logger.warning(
            "reminder not delivered: %s",
            self.REASON,
            extra={"message_id": message.message_id, "subject": message.subject},
        )


def notifier_for(settings: SchedulingSettings) -> Notifier:
    if settings.smtp_host is None:
        return LogNotifier()
    return SmtpNotifier(settings.smtp_host, settings.smtp_port, settings.smtp_sender)
