"""The evaluation service's metadata, its outbox/inbox and its copy of the tenant tree."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from linli_shared.events.outbox import Messaging
from linli_shared.tenant_directory import TenantDirectory


class EvaluationBase(DeclarativeBase):
    """The service's own metadata: its tables, migrations and outbox are its alone."""


messaging = Messaging(EvaluationBase.metadata, source="/linli/evaluation")
directory = TenantDirectory(EvaluationBase.metadata)
