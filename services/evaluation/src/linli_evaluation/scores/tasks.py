"""The nightly score run: every active volunteer of one committee, as of a day (the beat fans out one task
per committee). Idempotent: the same day's inputs give the same stored rows."""

from __future__ import annotations

import uuid
from datetime import date

from linli_evaluation.scores.repository import ScoreRepository
from linli_evaluation.scores.service import store_scores
from linli_shared.db import Database
from linli_shared.tenancy import Role, TenantContext


def recompute_scores(database: Database, tenant_id: uuid.UUID, tenant_path: str, day: date) -> int:
    """Returns how many volunteers were scored."""
    context = TenantContext(
        tenant_id=tenant_id, tenant_path=tenant_path, role=Role.SERVICE, subject="task:recompute_scores"
    )
    with database.transaction(context) as session:
        volunteers = ScoreRepository(session).active_volunteers(tenant_id)
        return store_scores(session, tenant_id, tenant_path, volunteers, day)
