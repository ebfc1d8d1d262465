"""A real SMTP server in the test process (aiosmtpd, a development dependency): reminders are tested by what
actually arrives over SMTP, never by a mock of `smtplib`."""

from __future__ import annotations

import asyncio
import email
import threading
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from types import TracebackType
from typing import Any, Self

from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class Received:
    sender: str
    recipients: tuple[str, ...]
    message: EmailMessage


class _AnyPortController(Controller):
    """Listens on a port the OS picks (port 0), so parallel test runs never collide."""

    def _trigger_server(self) -> None:
        assert isinstance(self.server, asyncio.Server)
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()  # type: ignore[no-untyped-call]


class MailServer:
    """`with MailServer() as mail:` — an SMTP server on 127.0.0.1:`mail.port` collecting what it accepts.
    `mail.refuse_next(n)` makes it answer the next n recipients with a temporary failure (451)."""

    host = "127.0.0.1"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._received: list[Received] = []
        self._refusals = 0
        self._controller = _AnyPortController(self, hostname=self.host, port=0)

    @property
    def port(self) -> int:
        port: int = self._controller.port
        return port

    @property
    def received(self) -> list[Received]:
        with self._lock:
            return list(self._received)

    def to(self, address: str) -> list[Received]:
        return [mail for mail in self.received if address in mail.recipients]

    def refuse_next(self, recipients: int) -> None:
        with self._lock:
            self._refusals = recipients

    def __enter__(self) -> Self:
        self._controller.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._controller.stop()

    # aiosmtpd's handler hooks (its names) ---------------------------------------------------------------------------

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        with self._lock:
            if self._refusals > 0:
                self._refusals -= 1
                return "451 4.3.0 Mailbox temporarily unavailable, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        with self._lock:
            self._received.append(Received(envelope.mail_from, tuple(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"
