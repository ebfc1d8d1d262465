"""Keeping every open series materialised a year ahead, one committee per task (the worker fans out)."""

from __future__ import annotations

import uuid
from datetime import date

from linli_scheduling.activities.service import ActivityService
from linli_shared.db import Database
from linli_shared.tenancy import Role, TenantContext


def extend_horizon(database: Database, tenant_id: uuid.UUID, tenant_path: str, today: date) -> int:
    """Idempotent: a series already materialised to today's horizon is not touched again, and a day that
    already has a shift never gets a second; returns how many shifts were made."""
    context = TenantContext(
        tenant_id=tenant_id, tenant_path=tenant_path, role=Role.SERVICE, subject="task:horizon"
    )
    with database.transaction(context) as session:
        return ActivityService(session, context).extend_horizon(today)
