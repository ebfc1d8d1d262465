"""The daily conferral: nominations whose public notice (公示) ended with no objection upheld or awaiting
a ruling become honours and are announced."""

from __future__ import annotations

import uuid
from datetime import date

from linli_evaluation.recognition.service import confer_due
from linli_shared.db import Database
from linli_shared.tenancy import Role, TenantContext


def confer_due_honours(database: Database, tenant_id: uuid.UUID, tenant_path: str, day: date) -> int:
    """Confer, as of `day` (Asia/Shanghai), the committee's honours whose notice ended before it; returns
    how many. Idempotent: a second run (or a redelivered task) finds nothing left to confer."""
    context = TenantContext(
        tenant_id=tenant_id, tenant_path=tenant_path, role=Role.SERVICE, subject="task:confer_honours"
    )
    with database.transaction(context) as session:
        return confer_due(session, context, day)
