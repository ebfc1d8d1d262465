"""Events of service certificates (志愿服务证明). Payloads name the volunteer by id and carry the serial,
hours and period — never an ID number, a masked one included, nor the volunteer's name."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum

from linli_shared.events.envelope import EventPayload, EventSpec

#: keyed by the volunteer: one person's certificates, issued and revoked, stay in order
CERTIFICATES_TOPIC = "evaluation.certificates"


class CertificateIssuedV1(EventPayload):
    certificate_id: uuid.UUID
    serial: str
    volunteer_id: uuid.UUID
    hours: float
    record_count: int
    #: the service dates certified, inclusive
    period_from: date
    period_to: date
    #: the issue date in Asia/Shanghai
    issued_on: date


class CertificateRevokedV1(EventPayload):
    certificate_id: uuid.UUID
    serial: str
    volunteer_id: uuid.UUID
    revoked_on: date


class CertificateEvent(StrEnum):
    ISSUED = "linli.evaluation.certificate.issued.v1"
    REVOKED = "linli.evaluation.certificate.revoked.v1"


CERTIFICATE_ISSUED = EventSpec(
    CertificateEvent.ISSUED,
    CERTIFICATES_TOPIC,
    CertificateIssuedV1,
    "A committee issued a service certificate (志愿服务证明) for hours it recorded.",
)
CERTIFICATE_REVOKED = EventSpec(
    CertificateEvent.REVOKED,
    CERTIFICATES_TOPIC,
    CertificateRevokedV1,
    "A committee revoked a service certificate; its public check now says so.",
)

CERTIFICATE_EVENTS = (CERTIFICATE_ISSUED, CERTIFICATE_REVOKED)
CERTIFICATE_TOPICS = (CERTIFICATES_TOPIC,)
