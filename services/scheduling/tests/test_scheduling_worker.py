"""The scheduling worker for real: Celery on Redis, the beat's fan-out task turned into one job per
committee, and the reminder job delivering over SMTP (a real server in the test process)."""

import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from sqlalchemy import select

from linli_scheduling.activities.models import Shift
from linli_scheduling.reminders.models import Reminder
from linli_scheduling.reminders.notifier import notifier_for
from linli_scheduling.signups.models import Signup, SignupStatus
from linli_scheduling.worker import create_worker

pytestmark = pytest.mark.integration
#: 08:00 in Shanghai; the shift starts at 14:00, within the default 24-hour lead
AT = datetime(2027, 3, 10, 0, 0, tzinfo=UTC)
SHIFT_STARTS_AT = datetime(2027, 3, 10, 6, 0, tzinfo=UTC)


def confirm(scheduling_database, committee, shift_id: uuid.UUID, volunteer_id: uuid.UUID) -> uuid.UUID:
    signup_id = uuid.uuid4()
    with scheduling_database.transaction(committee.context) as session:
        shift = session.get(Shift, (committee.id, shift_id), with_for_update=True)
        session.add(
            Signup(
                tenant_id=committee.id,
                id=signup_id,
                tenant_path=committee.path,
                shift_id=shift_id,
                volunteer_id=volunteer_id,
                status=SignupStatus.CONFIRMED,
                source="assigned",
                starts_at=shift.starts_at,
                ends_at=shift.ends_at,
                created_by="test",
            )
        )
        shift.confirmed += 1
    return signup_id


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 120) -> None:
    """Poll observable state with a deadline, never a fixed sleep."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def reminder_state(scheduling_database, committee, signup_id: uuid.UUID) -> str | None:
    with scheduling_database.transaction(committee.context) as session:
        return session.scalar(select(Reminder.state).where(Reminder.signup_id == signup_id))


def test_the_worker_fans_reminders_out_per_committee_and_sends_each_once(
    scheduling_settings,
    scheduling_database,
    redis_url,
    committee,
    world,
    register,
    plan,
    scheduling_client,
    login,
    mail,
):
    volunteer_id = register(world.committee, "陈阿婆")
    response = scheduling_client.put(
        f"/v1/volunteers/{volunteer_id}/notification-settings",
        json={"channel": "email", "email": "chen@example.cn"},
        headers=login("staff"),
    )
    assert response.status_code == 200, response.text
    signup_id = confirm(scheduling_database, committee, plan(world.committee, SHIFT_STARTS_AT), volunteer_id)

    settings = scheduling_settings.model_copy(
        update={
            "celery_broker_url": redis_url,
            "smtp_host": mail.host,
            "smtp_port": mail.port,
            "smtp_sender": "noreply@linli.test",
        }
    )
    worker = create_worker(settings, scheduling_database, notifier_for(settings))
    # a queue of this test's own: nothing another run left on the shared Redis reaches this worker
    queue = worker.conf.task_default_queue = f"linli.scheduling.test-{uuid.uuid4().hex[:8]}"
    broker = redis.Redis.from_url(redis_url)
    with start_worker(worker, pool="solo", perform_ping_check=False, shutdown_timeout=60):
        for _ in range(2):  # the beat firing twice (or a redelivered task) reminds nobody twice
            worker.send_task("scheduling.fan_out", args=("reminders", AT.isoformat()))
        wait_for(lambda: reminder_state(scheduling_database, committee, signup_id) == "sent", "the reminder")
        # the solo worker runs one task at a time; leaving the block lets the one in hand finish
        wait_for(lambda: broker.llen(queue) == 0, "every committee's job of both fan-outs")
    broker.close()
    [received] = mail.to("chen@example.cn")
    assert received.message["Subject"] == "志愿服务提醒：垃圾分类值守，3月10日 14:00"
    assert received.message["Message-ID"] == f"<reminder.{committee.id.hex}.{signup_id.hex}@linli.test>"
