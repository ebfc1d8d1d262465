"""The evaluation service's Celery worker and beat schedule.

Tallying follows the ledger within seconds: a frequent beat entry finds the committees with entries not yet
applied and queues one `apply_ledger` task each (so a task lost with a restarted Redis is simply queued
again on the next tick). Daily and nightly work is fanned out one task per committee. Every task is
idempotent and acks late: a worker killed mid-task leaves its transaction rolled back and the task
redelivered.

Run with `celery -A linli_evaluation.worker:celery worker` and `celery -A linli_evaluation.worker:celery beat`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from celery import Celery
from celery.schedules import crontab
from sqlalchemy import select

from linli_evaluation.audits.tasks import commit_due_plans, draw_due_plans
from linli_evaluation.config import EvaluationSettings, get_settings
from linli_evaluation.database import directory
from linli_evaluation.ledger.tallying import apply_pending, committees_with_pending, reconcile
from linli_evaluation.recognition.tasks import confer_due_honours
from linli_evaluation.scores.tasks import recompute_scores
from linli_evaluation.stars.tasks import review_stars
from linli_shared.clock import local_date
from linli_shared.db import Database
from linli_shared.tenancy import ROOT_LABEL, Role, TenantContext
from linli_shared.worker import make_celery

#: the worker reads every committee's directory row (and pending entries) to fan out; it acts at the root
FAN_OUT = TenantContext(tenant_id=None, tenant_path=ROOT_LABEL, role=Role.SERVICE, subject="task:fan-out")

CommitteeJob = Callable[[Database, uuid.UUID, str, date], Any]


def _reconcile(database: Database, tenant_id: uuid.UUID, tenant_path: str, day: date) -> int:
    return reconcile(database, tenant_id, tenant_path).disagreements


#: per-committee jobs the daily beat entries fan out, by name
JOBS: dict[str, CommitteeJob] = {
    "reconcile": _reconcile,
    "stars": review_stars,
    "scores": recompute_scores,
    "honours": confer_due_honours,
    "audit_commit": commit_due_plans,
    "audit_draw": draw_due_plans,
}
DAILY = {
    # the month's seed is committed on its first day, before its records are final
    "audit_commit": crontab(hour=0, minute=10),
    "audit_draw": crontab(hour=3, minute=30),
    "honours": crontab(hour=0, minute=30),
    "reconcile": crontab(hour=1, minute=30),
    "stars": crontab(hour=2, minute=0),
    "scores": crontab(hour=3, minute=0),
}


def create_worker(settings: EvaluationSettings, database: Database | None = None) -> Celery:
    app = make_celery(settings)
    db = database or Database.from_url(settings.database_url, pool_size=2)

    @app.task(name="evaluation.tally_pending")  # type: ignore[untyped-decorator]
    def tally_pending() -> int:
        pending = committees_with_pending(db, FAN_OUT)
        for tenant_id, path in pending:
            apply_ledger.delay(str(tenant_id), path)
        return len(pending)

    @app.task(name="evaluation.apply_ledger", autoretry_for=(Exception,), retry_backoff=True, max_retries=5)  # type: ignore[untyped-decorator]
    def apply_ledger(tenant_id: str, tenant_path: str) -> int:
        return apply_pending(db, uuid.UUID(tenant_id), tenant_path, local_date(datetime.now(UTC)))

    @app.task(name="evaluation.fan_out")  # type: ignore[untyped-decorator]
    def fan_out(job: str, day: str | None = None) -> int:
        """One task per active committee: a slow committee never holds up the others."""
        if job not in JOBS:
            raise ValueError(f"unknown job {job!r}")
        with db.transaction(FAN_OUT) as session:
            committees = session.execute(
                select(directory.table.c.id, directory.table.c.path).where(
                    directory.table.c.kind == "committee", directory.table.c.active.is_(True)
                )
            ).all()
        on = day or local_date(datetime.now(UTC)).isoformat()
        for tenant_id, path in committees:
            run_committee_job.delay(job, str(tenant_id), path, on)
        return len(committees)

    @app.task(name="evaluation.committee_job", autoretry_for=(Exception,), retry_backoff=True, max_retries=5)  # type: ignore[untyped-decorator]
    def run_committee_job(job: str, tenant_id: str, tenant_path: str, day: str) -> Any:
        return JOBS[job](db, uuid.UUID(tenant_id), tenant_path, date.fromisoformat(day))

    app.conf.beat_schedule = {
        "evaluation-tally-pending": {"task": "evaluation.tally_pending", "schedule": 5.0},
        **{
            f"evaluation-{job}": {"task": "evaluation.fan_out", "schedule": schedule, "args": (job,)}
            for job, schedule in DAILY.items()
        },
    }
    return app


def __getattr__(name: str) -> Any:
    """`celery -A linli_evaluation.worker:celery` builds the app from the environment on first use."""
    if name == "celery":
        return create_worker(get_settings())
    raise AttributeError(name)
