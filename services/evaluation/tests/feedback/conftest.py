"""Fixtures of residents' satisfaction: an app serving the feedback routes (also before the lead wires
them), a second app allowing only two ratings an hour, links signed as staff would get them, and a resident
who rates through the page the way a phone does (open the form, wait, submit)."""

import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from linli_evaluation.database import messaging
from linli_evaluation.feedback.links import FeedbackClaims, FeedbackSigner, link_expiry
from linli_evaluation.feedback.models import Rating
from linli_evaluation.main import create_app
from linli_shared.clock import SHANGHAI
from linli_shared.tenancy import Role, TenantContext

#: where the tests stand: three days after the default service day (2026-11-07)
NOW = datetime(2026, 11, 10, 10, 0, tzinfo=SHANGHAI)
SERVED_ON = date(2026, 11, 7)
#: a person takes longer than the spam threshold to tap a star
READING = timedelta(seconds=5)


def _app_client(settings, database, clock, identity_client, address=("198.51.100.10", 50000)) -> TestClient:
    app = create_app(settings, database, jwks_http=identity_client, clock=clock)
    return TestClient(app, raise_server_exceptions=False, client=address)


@pytest.fixture(scope="session")
def feedback_client(
    evaluation_settings, evaluation_database, evaluation_clock, client
) -> Iterator[TestClient]:
    with _app_client(evaluation_settings, evaluation_database, evaluation_clock, client) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def limited_settings(evaluation_settings):
    return evaluation_settings.model_copy(update={"feedback_per_hour": 2})


@pytest.fixture(scope="session")
def limited_client(limited_settings, evaluation_database, evaluation_clock, client) -> Iterator[TestClient]:
    """The evaluation app allowing two ratings per address per hour."""
    with _app_client(limited_settings, evaluation_database, evaluation_clock, client) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def other_address_client(
    limited_settings, evaluation_database, evaluation_clock, client
) -> Iterator[TestClient]:
    """The same limited app, reached from another address."""
    with _app_client(
        limited_settings, evaluation_database, evaluation_clock, client, ("203.0.113.77", 40000)
    ) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def signer(evaluation_settings) -> FeedbackSigner:
    return FeedbackSigner(evaluation_settings.signing_key.get_secret_value().encode())


@pytest.fixture
def link(signer, evaluation_settings) -> Callable[..., str]:
    """`link(tenant, record_id, on=SERVED_ON)` → the token staff would hand out for that record."""

    def token(tenant, record_id: uuid.UUID, on: date = SERVED_ON) -> str:
        return signer.link(
            FeedbackClaims(
                tenant_id=tenant.id,
                tenant_path=tenant.path,
                record_id=record_id,
                expires_at=link_expiry(on, evaluation_settings.feedback_link_days),
            )
        )

    return token


@pytest.fixture
def rate(feedback_client, clock) -> Callable[..., object]:
    """`rate(token, score, comment="", at=NOW, client=feedback_client)` → the response of the page's form,
    opened at `at` and sent five seconds later (the clock is left there)."""

    def submit(token: str, score: str | int, comment: str = "", at: datetime = NOW, client=None):
        client = client or feedback_client
        clock.at = at
        page = client.get(f"/feedback/{token}")
        assert page.status_code == 200, page.text
        stamp = page.text.split('name="rendered" value="', 1)[1].split('"', 1)[0]
        clock.at = at + READING
        return client.post(
            f"/feedback/{token}",
            data={"score": str(score), "comment": comment, "website": "", "rendered": stamp},
        )

    return submit


@pytest.fixture
def ratings(evaluation_database) -> Callable[[object], list[Rating]]:
    """`ratings(committee_tenant)` → the committee's stored ratings."""

    def of(tenant) -> list[Rating]:
        context = TenantContext(
            tenant_id=tenant.id, tenant_path=tenant.path, role=Role.SERVICE, subject="test"
        )
        with evaluation_database.transaction(context) as session:
            return list(session.scalars(select(Rating).where(Rating.tenant_id == tenant.id)))

    return of


@pytest.fixture
def rating_events(evaluation_database) -> Callable[[uuid.UUID], list[dict]]:
    """`rating_events(volunteer_id)` → the rating events in the outbox for that volunteer."""

    def of(volunteer_id: uuid.UUID) -> list[dict]:
        outbox = messaging.outbox
        with evaluation_database.transaction() as session:
            return list(
                session.scalars(
                    select(outbox.c.event).where(
                        outbox.c.topic == "evaluation.ratings", outbox.c.key == str(volunteer_id)
                    )
                )
            )

    return of


@pytest.fixture
def void(deliver) -> Callable[..., None]:
    """`void(tenant, record_id, volunteer_id)`: scheduling voided the record."""

    def send(tenant, record_id: uuid.UUID, volunteer_id: uuid.UUID, hours: float = 2.0) -> None:
        deliver(
            "linli.scheduling.service_record.voided.v1",
            "scheduling.service_records",
            tenant,
            volunteer_id,
            {
                "record_id": str(record_id),
                "entry_id": str(uuid.uuid4()),
                "sequence": 2,
                "volunteer_id": str(volunteer_id),
                "activity_id": str(uuid.uuid4()),
                "activity_kind": "grid_duty",
                "project_id": None,
                "area_id": None,
                "service_date": SERVED_ON.isoformat(),
                "hours_before": hours,
                "hours_after": 0.0,
                "delta": -hours,
                "reason": "重复登记",
                "decided_by": "staff",
                "correction_id": None,
            },
            source="/linli/scheduling",
        )

    return send
