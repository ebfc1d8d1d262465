"""The identity service's metadata and its outbox/inbox tables."""

from __future__ import annotations

from linli_shared.db import Base
from linli_shared.events.outbox import Messaging


class IdentityBase(Base):
    __abstract__ = True


messaging = Messaging(IdentityBase.metadata, source="/linli/identity")
