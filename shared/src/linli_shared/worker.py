"""Celery, configured the same way in every service: late acks, one task at a time per worker process,
JSON only, Asia/Shanghai for schedules. Redis is the broker in tests and production; under `make run`
it is kombu's SQLAlchemy transport on the service's own PostgreSQL, so nothing else has to run."""

from __future__ import annotations

from celery import Celery

from linli_shared.settings import ServiceSettings


def broker_url(settings: ServiceSettings) -> str:
    if settings.celery_broker_url:
        return settings.celery_broker_url
    # the owner role: kombu creates its own tables on first use
    return "sqla+" + settings.migration_database_url.replace("postgresql://", "postgresql+psycopg://", 1)


def make_celery(settings: ServiceSettings) -> Celery:
    url = broker_url(settings)
    if url.startswith("sqla+"):
        # kombu hands broker_transport_options to create_engine, which refuses polling_interval
        from kombu.transport import sqlalchemy as kombu_sqlalchemy

        kombu_sqlalchemy.Transport.polling_interval = 1.0
    app = Celery(f"linli-{settings.service_name}", broker=url)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_serializer="json",
        accept_content=["json"],
        result_backend=None,
        task_ignore_result=True,
        timezone="Asia/Shanghai",
        enable_utc=True,
        broker_connection_retry_on_startup=True,
        task_default_queue=f"linli.{settings.service_name}",
        # tasks are idempotent and ack late: one cut off by a lost broker connection is simply redelivered
        worker_cancel_long_running_tasks_on_connection_loss=True,
    )
    return app
