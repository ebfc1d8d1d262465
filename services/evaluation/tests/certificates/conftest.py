"""Fixtures for the certificate tests: the app with the certificates router, a valid request body, and
counts of what an issue writes (certificates, counters, outbox events)."""

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from linli_evaluation.certificates.models import Certificate, CertificateCounter
from linli_evaluation.database import messaging
from linli_evaluation.events.certificates import CERTIFICATES_TOPIC
from linli_evaluation.main import create_app

#: a moment in Shanghai's 2026-11-25, the day most certificates here are issued
ISSUE_MOMENT = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def certificate_client(
    evaluation_settings, evaluation_database, evaluation_clock, client
) -> Iterator[TestClient]:
    """The evaluation app."""
    app = create_app(evaluation_settings, evaluation_database, jwks_http=client, clock=evaluation_clock)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def at_issue_day(clock):
    clock.at = ISSUE_MOMENT
    return clock


def body_for(volunteer: uuid.UUID, /, **overrides) -> dict:
    body = {
        "volunteer_id": str(volunteer),
        "purpose": "升学",
        "id_type": "居民身份证",
        "id_number_masked": "310101********123X",
        "handler": "赵经办",
    }
    body.update(overrides)
    return body


Issue = Callable[..., httpx.Response]


@pytest.fixture
def issue(certificate_client, login) -> Issue:
    """`issue(volunteer_id, as_user="staff", **body overrides)` → the response of POST /v1/certificates."""

    def post(volunteer: uuid.UUID, /, as_user: str = "staff", **overrides) -> httpx.Response:
        return certificate_client.post(
            "/v1/certificates", json=body_for(volunteer, **overrides), headers=login(as_user)
        )

    return post


Written = Callable[[], tuple[int, int, int]]


@pytest.fixture
def written(evaluation_database, committee) -> Written:
    """() → (certificates, counter rows, certificate events in the outbox) of committee A."""

    def count() -> tuple[int, int, int]:
        with evaluation_database.transaction(committee.context) as session:
            certificates = session.scalar(select(func.count()).select_from(Certificate))
            counters = session.scalar(select(func.count()).select_from(CertificateCounter))
            outbox = messaging.outbox
            events = session.scalar(
                select(func.count())
                .select_from(outbox)
                .where(
                    outbox.c.topic == CERTIFICATES_TOPIC,
                    outbox.c.event["tenantid"].astext == str(committee.id),
                )
            )
        return certificates, counters, events

    return count
