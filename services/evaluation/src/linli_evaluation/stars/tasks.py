"""The daily star review: tenure rules can award a level with no new hours, only passing time."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select

from linli_evaluation.facts.models import VolunteerFact
from linli_evaluation.ledger.tallying import committee_context
from linli_evaluation.stars.levels import refresh_stars
from linli_shared.db import Database


def review_stars(database: Database, tenant_id: uuid.UUID, tenant_path: str, today: date) -> int:
    context = committee_context(tenant_id, tenant_path, "stars")
    with database.transaction(context) as session:
        volunteers = session.scalars(
            select(VolunteerFact.volunteer_id).where(VolunteerFact.tenant_id == tenant_id)
        ).all()
        return refresh_stars(session, context, volunteers, today)
