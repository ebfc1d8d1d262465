"""The identity service's metadata and its outbox/inbox tables."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from linli_shared.events.outbox import Messaging


class IdentityBase(DeclarativeBase):
    """The service's own metadata: its tables, migrations and outbox are its alone."""


messaging = Messaging(IdentityBase.metadata, source="/linli/identity")
