"""Fixtures for reminder tests: sign-ups written straight to the database (these tests
are about reminding, not signing up), and a volunteer's email setting made through the API."""

import uuid
from collections.abc import Callable

import pytest

from linli_scheduling.activities.models import Shift
from linli_scheduling.reminders.notifier import SmtpNotifier
from linli_scheduling.signups.models import Signup, SignupStatus
from linli_shared.tenancy import Role, TenantContext


@pytest.fixture
def notifier(mail) -> SmtpNotifier:
    return SmtpNotifier(mail.host, mail.port, "提醒 <noreply@linli.test>")


Book = Callable[..., uuid.UUID]


@pytest.fixture
def book(scheduling_database) -> Book:
    """`book(tenant, shift_id, volunteer_id, status="confirmed")` → a sign-up id."""

    def add(tenant, shift_id: uuid.UUID, volunteer_id: uuid.UUID, status: str = SignupStatus.CONFIRMED):
        context = TenantContext(
            tenant_id=tenant.id, tenant_path=tenant.path, role=Role.SERVICE, subject="test"
        )
        signup_id = uuid.uuid4()
        with scheduling_database.transaction(context) as session:
            shift = session.get(Shift, (tenant.id, shift_id), with_for_update=True)
            session.add(
                Signup(
                    tenant_id=tenant.id,
                    id=signup_id,
                    tenant_path=tenant.path,
                    shift_id=shift_id,
                    volunteer_id=volunteer_id,
                    status=status,
                    source="self",
                    starts_at=shift.starts_at,
                    ends_at=shift.ends_at,
                    created_by="test",
                )
            )
            if status == SignupStatus.CONFIRMED:
                shift.confirmed += 1
        return signup_id

    return add


EmailReminders = Callable[[uuid.UUID, str], None]


@pytest.fixture
def email_reminders(scheduling_client, login, committee) -> EmailReminders:
    """`email_reminders(volunteer_id, "a@b.cn")`: committee A's staff turn on email reminders for them."""
    headers = login("staff")

    def turn_on(volunteer_id: uuid.UUID, address: str) -> None:
        response = scheduling_client.put(
            f"/v1/volunteers/{volunteer_id}/notification-settings",
            json={"channel": "email", "email": address},
            headers=headers,
        )
        assert response.status_code == 200, response.text

    return turn_on
