"""The roster's Celery worker and beat schedule: daily sweeps (inactivity flags, qualification expiry,
public notices taking effect), fanned out one task per committee.

Run with `celery -A linli_roster.worker:celery worker` and `celery -A linli_roster.worker:celery beat`.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from celery import Celery
from celery.schedules import crontab
from sqlalchemy import select

from linli_roster.activity.tasks import flag_inactive
from linli_roster.config import RosterSettings, get_settings
from linli_roster.database import directory
from linli_roster.protection import IdNumberCipher
from linli_roster.recruitment.tasks import apply_due_notices
from linli_roster.training.tasks import expire_qualifications
from linli_shared.db import Database
from linli_shared.tenancy import ROOT_LABEL, Role, TenantContext
from linli_shared.worker import make_celery

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: the worker reads every committee's directory row to fan out; it acts at the root, read-only
FAN_OUT = TenantContext(tenant_id=None, tenant_path=ROOT_LABEL, role=Role.SERVICE, subject="task:fan-out")


def create_worker(settings: RosterSettings, database: Database | None = None) -> Celery:
    app = make_celery(settings)
    db = database or Database.from_url(settings.database_url, pool_size=2)
    cipher = IdNumberCipher(settings.id_number_keys)

    @app.task(name="roster.sweeps.fan_out")  # type: ignore[untyped-decorator]
    def fan_out(day: str | None = None) -> int:
        """One task per active committee: a slow committee never holds up the others."""
        with db.transaction(FAN_OUT) as session:
            committees = session.execute(
                select(directory.table.c.id, directory.table.c.path).where(
                    directory.table.c.kind == "committee", directory.table.c.active.is_(True)
                )
            ).all()
        for tenant_id, path in committees:
            sweep_committee.delay(str(tenant_id), path, day)
        return len(committees)

    @app.task(
        name="roster.sweeps.committee",
        autoretry_for=(Exception,),
        retry_backoff=True,
        max_retries=5,
    )  # type: ignore[untyped-decorator]
    def sweep_committee(tenant_id: str, tenant_path: str, day: str | None = None) -> dict[str, int]:
        """Idempotent: each sweep changes only what is still due, so a retried or repeated task is harmless."""
        today = date.fromisoformat(day) if day else datetime.now(SHANGHAI).date()
        committee = uuid.UUID(tenant_id)
        return {
            "flagged_inactive": flag_inactive(db, committee, tenant_path, today, settings.inactivity_months),
            "qualifications_expired": expire_qualifications(db, committee, tenant_path, today),
            "notices_applied": apply_due_notices(db, committee, tenant_path, today, cipher),
        }

    app.conf.beat_schedule = {
        "roster-daily-sweeps": {"task": "roster.sweeps.fan_out", "schedule": crontab(hour=2, minute=0)},
    }
    return app


def __getattr__(name: str) -> Any:
    """`celery -A linli_roster.worker:celery` builds the app from the environment on first use."""
    if name == "celery":
        return create_worker(get_settings())
    raise AttributeError(name)
