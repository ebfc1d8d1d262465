"""The scheduling service's Celery worker and beat schedule, fanned out one task per committee:
closing ended shifts (forgotten check-outs, no-shows), sending shift reminders, and keeping open-ended
recurring activities materialised a year ahead.

Run with `celery -A linli_scheduling.worker:celery worker` and `celery -A linli_scheduling.worker:celery beat`.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from celery import Celery
from celery.schedules import crontab
from sqlalchemy import select

from linli_scheduling.activities.tasks import extend_horizon
from linli_scheduling.attendance.tasks import close_ended_shifts
from linli_scheduling.config import SchedulingSettings, get_settings
from linli_scheduling.database import directory
from linli_scheduling.reminders.notifier import Notifier, notifier_for
from linli_scheduling.reminders.tasks import send_due_reminders
from linli_shared.clock import local_date
from linli_shared.db import Database
from linli_shared.tenancy import ROOT_LABEL, Role, TenantContext
from linli_shared.worker import make_celery

#: the worker reads every committee's directory row to fan out; it acts at the root, read-only
FAN_OUT = TenantContext(tenant_id=None, tenant_path=ROOT_LABEL, role=Role.SERVICE, subject="task:fan-out")
#: which per-committee job each beat entry fans out
JOBS = ("close_shifts", "reminders", "horizon")


def create_worker(
    settings: SchedulingSettings, database: Database | None = None, notifier: Notifier | None = None
) -> Celery:
    app = make_celery(settings)
    db = database or Database.from_url(settings.database_url, pool_size=2)
    send = notifier or notifier_for(settings)

    @app.task(name="scheduling.fan_out")  # type: ignore[untyped-decorator]
    def fan_out(job: str, at: str | None = None) -> int:
        """One task per active committee: a slow committee never holds up the others."""
        if job not in JOBS:
            raise ValueError(f"unknown job {job!r}")
        with db.transaction(FAN_OUT) as session:
            committees = session.execute(
                select(directory.table.c.id, directory.table.c.path).where(
                    directory.table.c.kind == "committee", directory.table.c.active.is_(True)
                )
            ).all()
        moment = at or datetime.now(UTC).isoformat()
        for tenant_id, path in committees:
            run_committee_job.delay(job, str(tenant_id), path, moment)
        return len(committees)

    @app.task(name="scheduling.committee_job", autoretry_for=(Exception,), retry_backoff=True, max_retries=5)  # type: ignore[untyped-decorator]
    def run_committee_job(job: str, tenant_id: str, tenant_path: str, at: str) -> int:
        """Idempotent: each job changes only what is still due, so a retried or repeated task is harmless."""
        committee, now = uuid.UUID(tenant_id), datetime.fromisoformat(at)
        if job == "close_shifts":
            return close_ended_shifts(db, committee, tenant_path, now)
        if job == "reminders":
            lead = timedelta(hours=settings.reminder_lead_hours)
            return send_due_reminders(db, send, committee, tenant_path, now, lead)
        if job == "horizon":
            return extend_horizon(db, committee, tenant_path, local_date(now))
        raise ValueError(f"unknown job {job!r}")

    app.conf.beat_schedule = {
        "scheduling-close-shifts": {
            "task": "scheduling.fan_out",
            "schedule": crontab(minute="*/5"),
            "args": ("close_shifts",),
        },
        "scheduling-reminders": {
            "task": "scheduling.fan_out",
            "schedule": crontab(minute="*/10"),
            "args": ("reminders",),
        },
        "scheduling-horizon": {
            "task": "scheduling.fan_out",
            "schedule": crontab(hour=3, minute=0),
            "args": ("horizon",),
        },
    }
    return app


def __getattr__(name: str) -> Any:
    """`celery -A linli_scheduling.worker:celery` builds the app from the environment on first use."""
    if name == "celery":
        return create_worker(get_settings())
    raise AttributeError(name)
