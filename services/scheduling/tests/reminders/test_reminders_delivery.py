"""Shift reminders over a real SMTP server: what they say, who gets them, and that each goes out at most
once — under task retries, two workers at once, and a failed send that is retried."""

import logging
import threading
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from linli_scheduling.reminders.models import DeliveryState, Reminder
from linli_scheduling.reminders.notifier import LogNotifier, Notification, SmtpNotifier, notifier_for
from linli_scheduling.reminders.repository import MAX_ATTEMPTS
from linli_scheduling.reminders.tasks import send_due_reminders
from linli_scheduling.signups.models import Signup, SignupStatus

#: 09:00 in Shanghai on Wednesday 25 November 2026
NOW = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
LEAD = timedelta(hours=24)
#: 08:30 in Shanghai the next morning: due
TOMORROW = datetime(2026, 11, 26, 0, 30, tzinfo=UTC)


def run(scheduling_database, notifier, tenant, now=NOW) -> int:
    return send_due_reminders(scheduling_database, notifier, tenant.id, tenant.path, now, LEAD)


def reminders(scheduling_database, committee) -> dict[uuid.UUID, Reminder]:
    with scheduling_database.transaction(committee.context) as session:
        return {row.signup_id: row for row in session.scalars(select(Reminder)).all()}


def volunteers_with_email(register, email_reminders, world, count: int) -> list[tuple[uuid.UUID, str]]:
    people = []
    for n in range(count):
        volunteer_id = register(world.committee, f"志愿者{n}")
        address = f"v{n}.{uuid.uuid4().hex[:6]}@example.cn"
        email_reminders(volunteer_id, address)
        people.append((volunteer_id, address))
    return people


def test_a_reminder_says_what_where_and_when_in_shanghai_time(
    committee, world, register, plan, book, email_reminders, mail, notifier, scheduling_database
):
    volunteer_id = register(world.committee, "李大爷")
    email_reminders(volunteer_id, "LI.Daye@Example.cn")
    shift_id = plan(world.committee, TOMORROW)
    signup_id = book(world.committee, shift_id, volunteer_id)

    assert run(scheduling_database, notifier, world.committee) == 1

    [received] = mail.received
    assert received.recipients == ("li.daye@example.cn",)
    message = received.message
    assert message["To"] == "li.daye@example.cn"
    assert message["From"] == "提醒 <noreply@linli.test>"
    assert message["Subject"] == "志愿服务提醒：垃圾分类值守，11月26日 08:30"
    assert message["Message-ID"] == f"<reminder.{world.committee.id.hex}.{signup_id.hex}@linli.test>"
    body = message.get_content()
    assert body.startswith("李大爷，您好：")
    assert "活动：垃圾分类值守" in body
    assert "地点：3号楼垃圾房" in body
    assert "时间：2026年11月26日（星期四） 08:30–10:30（北京时间）" in body

    row = reminders(scheduling_database, committee)[signup_id]
    assert (row.state, row.attempts, row.channel, row.last_error) == (DeliveryState.SENT, 1, "email", None)
    assert (row.shift_id, row.volunteer_id) == (shift_id, volunteer_id)
    assert row.sent_at is not None


def test_a_retried_task_sends_nothing_twice(
    committee, world, register, plan, book, email_reminders, mail, notifier, scheduling_database
):
    shift_id = plan(world.committee, TOMORROW, capacity=3)
    people = volunteers_with_email(register, email_reminders, world, 3)
    for volunteer_id, _ in people:
        book(world.committee, shift_id, volunteer_id)

    assert run(scheduling_database, notifier, world.committee) == 3
    assert run(scheduling_database, notifier, world.committee) == 0
    assert run(scheduling_database, notifier, world.committee, now=NOW + timedelta(hours=1)) == 0

    assert sorted(received.recipients[0] for received in mail.received) == sorted(a for _, a in people)
    assert len(mail.received) == 3


def test_two_workers_at_once_send_each_reminder_once(
    committee, world, register, plan, book, email_reminders, mail, notifier, scheduling_database
):
    shift_id = plan(world.committee, TOMORROW, capacity=8)
    people = volunteers_with_email(register, email_reminders, world, 8)
    for volunteer_id, _ in people:
        book(world.committee, shift_id, volunteer_id)
    start = threading.Barrier(2)
    results: list[int] = []

    def worker() -> None:
        start.wait(timeout=30)
        results.append(run(scheduling_database, notifier, world.committee))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(results) == 2
    assert sum(results) == 8
    for _, address in people:
        assert len(mail.to(address)) == 1, address
    assert len(mail.received) == 8
    assert {row.state for row in reminders(scheduling_database, committee).values()} == {"sent"}


def test_a_worker_starting_while_another_is_sending_leaves_its_claim_alone(
    committee, world, register, plan, book, email_reminders, mail, notifier, scheduling_database
):
    """Deterministic interleaving: the second run happens inside the first one's first send, after its
    claim was committed and before the outcome is written."""
    shift_id = plan(world.committee, TOMORROW)
    people = volunteers_with_email(register, email_reminders, world, 2)
    for volunteer_id, _ in people:
        book(world.committee, shift_id, volunteer_id)
    second_run: list[int] = []

    class InterruptedOnce:
        delivers = True

        def send(self, message: Notification) -> None:
            if not second_run:
                second_run.append(run(scheduling_database, notifier, world.committee))
            notifier.send(message)

    assert run(scheduling_database, InterruptedOnce(), world.committee) == 1
    assert second_run == [1], "the second worker sent only the reminder not yet claimed"
    for _, address in people:
        assert len(mail.to(address)) == 1


def test_a_failed_send_is_recorded_and_a_retry_sends_it_once(
    committee, world, register, plan, book, email_reminders, mail, notifier, scheduling_database
):
    volunteer_id = register(world.committee, "张阿姨")
    email_reminders(volunteer_id, "zhang@example.cn")
    signup_id = book(world.committee, plan(world.committee, TOMORROW), volunteer_id)
    mail.refuse_next(1)

    assert run(scheduling_database, notifier, world.committee) == 0
    failed = reminders(scheduling_database, committee)[signup_id]
    assert (failed.state, failed.attempts, failed.sent_at) == (DeliveryState.FAILED, 1, None)
    assert failed.last_error.startswith("SMTPRecipientsRefused")
    assert "451" in failed.last_error
    assert mail.received == []

    assert run(scheduling_database, notifier, world.committee) == 1
    assert run(scheduling_database, notifier, world.committee) == 0
    sent = reminders(scheduling_database, committee)[signup_id]
    assert (sent.state, sent.attempts) == (DeliveryState.SENT, 2)
    assert len(mail.to("zhang@example.cn")) == 1


def test_a_reminder_that_keeps_failing_is_given_up(
    committee, world, register, plan, book, email_reminders, mail, notifier, scheduling_database
):
    volunteer_id = register(world.committee, "赵师傅")
    email_reminders(volunteer_id, "zhao@example.cn")
    signup_id = book(world.committee, plan(world.committee, TOMORROW), volunteer_id)
    mail.refuse_next(MAX_ATTEMPTS)
    for _ in range(MAX_ATTEMPTS + 1):
        assert run(scheduling_database, notifier, world.committee) == 0
    row = reminders(scheduling_database, committee)[signup_id]
    assert (row.state, row.attempts) == (DeliveryState.FAILED, MAX_ATTEMPTS)
    assert run(scheduling_database, notifier, world.committee) == 0, "the relay would accept it now"
    assert mail.received == []


def test_a_sign_up_cancelled_after_a_failed_send_is_not_retried(
    committee, world, register, plan, book, email_reminders, mail, notifier, scheduling_database
):
    volunteer_id = register(world.committee, "钱老师")
    email_reminders(volunteer_id, "qian@example.cn")
    signup_id = book(world.committee, plan(world.committee, TOMORROW), volunteer_id)
    mail.refuse_next(1)
    assert run(scheduling_database, notifier, world.committee) == 0
    with scheduling_database.transaction(committee.context) as session:
        session.execute(update(Signup).where(Signup.id == signup_id).values(status=SignupStatus.CANCELLED))
    assert run(scheduling_database, notifier, world.committee) == 0
    assert mail.received == []


def test_without_an_smtp_relay_a_reminder_is_logged_and_recorded_as_failed(
    committee, world, register, plan, book, email_reminders, scheduling_database, scheduling_settings, caplog
):
    assert isinstance(
        notifier_for(scheduling_settings.model_copy(update={"smtp_host": "mail"})), SmtpNotifier
    )
    log_only = notifier_for(scheduling_settings)
    assert isinstance(log_only, LogNotifier)
    volunteer_id = register(world.committee, "孙大姐")
    email_reminders(volunteer_id, "sun@example.cn")
    signup_id = book(world.committee, plan(world.committee, TOMORROW), volunteer_id)

    with caplog.at_level(logging.WARNING, logger="linli_scheduling.reminders.notifier"):
        assert run(scheduling_database, log_only, world.committee) == 0

    row = reminders(scheduling_database, committee)[signup_id]
    assert (row.state, row.sent_at) == (DeliveryState.FAILED, None)
    assert row.last_error == LogNotifier.REASON
    assert "LINLI_SCHEDULING_SMTP_HOST" in row.last_error
    assert any("reminder not delivered" in record.getMessage() for record in caplog.records)


def test_only_confirmed_volunteers_who_chose_email_are_reminded(
    committee,
    world,
    register,
    plan,
    book,
    email_reminders,
    mail,
    notifier,
    scheduling_database,
    scheduling_client,
    login,
):
    shift_id = plan(world.committee, TOMORROW, capacity=2)
    confirmed = register(world.committee, "确认者")
    email_reminders(confirmed, "confirmed@example.cn")
    book(world.committee, shift_id, confirmed)
    no_contact = register(world.committee, "未设置")
    book(world.committee, shift_id, no_contact)
    switched_off = register(world.committee, "不要提醒")
    response = scheduling_client.put(
        f"/v1/volunteers/{switched_off}/notification-settings",
        json={"channel": "none", "email": "off@example.cn"},
        headers=login("staff"),
    )
    assert response.status_code == 200, response.text
    book(world.committee, plan(world.committee, TOMORROW), switched_off)
    cancelled = register(world.committee, "已取消")
    email_reminders(cancelled, "cancelled@example.cn")
    book(world.committee, plan(world.committee, TOMORROW), cancelled, status=SignupStatus.CANCELLED)
    waitlisted = register(world.committee, "候补者")
    email_reminders(waitlisted, "waitlisted@example.cn")
    book(world.committee, shift_id, waitlisted, status=SignupStatus.WAITLISTED)

    assert run(scheduling_database, notifier, world.committee) == 1
    assert [received.recipients for received in mail.received] == [("confirmed@example.cn",)]
    assert [row.volunteer_id for row in reminders(scheduling_database, committee).values()] == [confirmed]


def test_only_shifts_starting_within_the_lead_time_are_due(
    committee, world, register, plan, book, email_reminders, mail, notifier, scheduling_database
):
    starts = {
        "starting-now": NOW,
        "started": NOW - timedelta(minutes=30),
        "last-due-moment": NOW + LEAD,
        "too-early": NOW + LEAD + timedelta(minutes=1),
    }
    addresses = {}
    for label, moment in starts.items():
        volunteer_id = register(world.committee, label)
        addresses[label] = f"{label}@example.cn"
        email_reminders(volunteer_id, addresses[label])
        book(world.committee, plan(world.committee, moment), volunteer_id)
    called_off = register(world.committee, "called-off")
    email_reminders(called_off, "called-off@example.cn")
    book(
        world.committee,
        plan(world.committee, TOMORROW, status="cancelled", cancelled_reason="下雨"),
        called_off,
    )

    assert run(scheduling_database, notifier, world.committee) == 1
    assert [received.recipients for received in mail.received] == [(addresses["last-due-moment"],)]


def test_a_committee_task_reminds_only_its_own_volunteers(
    committee, world, register, plan, book, email_reminders, mail, notifier, scheduling_database
):
    volunteer_id = register(world.committee, "本居民区")
    email_reminders(volunteer_id, "ours@example.cn")
    book(world.committee, plan(world.committee, TOMORROW), volunteer_id)

    assert run(scheduling_database, notifier, world.sibling) == 0
    assert mail.received == []
    assert run(scheduling_database, notifier, world.committee) == 1
