"""Issuing, revoking, reading and checking service certificates (志愿服务证明).

Whoever records certifies (谁记录谁证明): a committee's staff certify the hours their committee recorded —
the committee's own non-voided service records, never another committee's, not even one below it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from linli_evaluation.access import VolunteerNotFound, writable_committee
from linli_evaluation.certificates.document import render_certificate
from linli_evaluation.certificates.exceptions import (
    AlreadyRevoked,
    CertificateNotFound,
    CheckNotFound,
    CommitteeUnknown,
    NoHoursToCertify,
)
from linli_evaluation.certificates.models import Certificate, CertificateStatus
from linli_evaluation.certificates.repository import CertificateRepository, presented_certificate
from linli_evaluation.certificates.schemas import (
    CertificateCheck,
    CertificateCreate,
    CertificateOut,
    CertificatePage,
    RevokeCreate,
)
from linli_evaluation.certificates.serials import CodeSigner, format_serial, normalise_code
from linli_evaluation.database import messaging
from linli_evaluation.events.certificates import (
    CERTIFICATE_ISSUED,
    CERTIFICATE_REVOKED,
    CertificateIssuedV1,
    CertificateRevokedV1,
)
from linli_evaluation.facts.models import RecordFact, VolunteerFact
from linli_shared.clock import local_date
from linli_shared.cursors import aware_datetime, decode_cursor, encode_cursor
from linli_shared.db import act_as
from linli_shared.tenancy import TenantContext

#: records listed one by one on the certificate up to this many (the PDF lists activities beyond it)
LINES_KEPT = 12
#: activities named in 服务内容, each cut to a length that keeps the statement to a few lines
NAMES_IN_CONTENT = 6
NAME_IN_CONTENT = 24
HUNDREDTH = Decimal("0.01")


class CertificateService:
    def __init__(self, session: Session, context: TenantContext, signer: CodeSigner, public_url: str) -> None:
        self.session = session
        self.context = context
        self.signer = signer
        self.public_url = public_url.rstrip("/")
        self.certificates = CertificateRepository(session, context)

    def issue(self, request: CertificateCreate, now: datetime) -> CertificateOut:
        context = writable_committee(self.session, self.context)
        volunteer = self.certificates.own_volunteer(request.volunteer_id)
        if volunteer is None:
            raise VolunteerNotFound()
        records = self.certificates.own_records(
            volunteer.volunteer_id, request.served_from, request.served_to
        )
        if not records:
            raise NoHoursToCertify()
        names = self.certificates.committee_names()
        if names is None:
            raise CommitteeUnknown()
        issuer_name, slug = names
        issued_on = local_date(now)
        # numbered last: the counter row stays locked until commit, so nothing slow comes after it
        sequence = self.certificates.next_sequence(issued_on.year)
        serial = format_serial(slug, issued_on.year, sequence)
        certificate = Certificate(
            tenant_id=context.tenant_id,
            id=uuid.uuid4(),
            tenant_path=context.tenant_path,
            serial=serial,
            year=issued_on.year,
            sequence=sequence,
            verification_code=self.signer.code(serial),
            volunteer_id=volunteer.volunteer_id,
            volunteer_name=volunteer.name,
            volunteer_number=request.volunteer_number or str(volunteer.volunteer_id),
            id_type=request.id_type,
            id_number_masked=request.id_number_masked,
            period_from=request.served_from or records[0].service_date,
            period_to=request.served_to or records[-1].service_date,
            hours=sum((record.hours for record in records), start=Decimal(0)).quantize(HUNDREDTH),
            record_count=len(records),
            activity_count=len({record.activity_id for record in records}),
            service_content=_service_content(records),
            activities=_activities(records),
            lines=_lines(records),
            record_ids=[record.record_id for record in records],
            purpose=request.purpose,
            issuer_name=issuer_name,
            handler=request.handler,
            issued_on=issued_on,
            issued_at=now,
            issued_by=context.subject,
            status=CertificateStatus.VALID,
        )
        self.session.add(certificate)
        self.session.flush()
        messaging.publish(
            self.session,
            CERTIFICATE_ISSUED,
            CertificateIssuedV1(
                certificate_id=certificate.id,
                serial=serial,
                volunteer_id=certificate.volunteer_id,
                hours=float(certificate.hours),
                record_count=certificate.record_count,
                period_from=certificate.period_from,
                period_to=certificate.period_to,
                issued_on=issued_on,
            ),
            subject=certificate.volunteer_id,
            tenant_id=context.tenant_id,
            tenant_path=context.tenant_path,
        )
        return self.out(certificate)

    def revoke(self, certificate_id: uuid.UUID, request: RevokeCreate, now: datetime) -> CertificateOut:
        context = writable_committee(self.session, self.context)
        certificate = self.certificates.certificate(certificate_id, for_update=True)
        if certificate is None or certificate.tenant_id != context.tenant_id:
            raise CertificateNotFound()
        if certificate.status == CertificateStatus.REVOKED:
            raise AlreadyRevoked()
        certificate.status = CertificateStatus.REVOKED
        certificate.revoked_at = now
        certificate.revoked_by = context.subject
        certificate.revoke_reason = request.reason
        self.session.flush()
        messaging.publish(
            self.session,
            CERTIFICATE_REVOKED,
            CertificateRevokedV1(
                certificate_id=certificate.id,
                serial=certificate.serial,
                volunteer_id=certificate.volunteer_id,
                revoked_on=local_date(now),
            ),
            subject=certificate.volunteer_id,
            tenant_id=context.tenant_id,
            tenant_path=context.tenant_path,
        )
        return self.out(certificate)

    def page(
        self, volunteer_id: uuid.UUID | None, status: CertificateStatus | None, cursor: str | None, limit: int
    ) -> CertificatePage:
        after = decode_cursor(cursor, aware_datetime, uuid.UUID) if cursor else None
        rows = self.certificates.certificates(volunteer_id, status, after, limit)
        last = rows[limit - 1] if len(rows) > limit else None
        return CertificatePage(
            items=[self.out(certificate) for certificate in rows[:limit]],
            next_cursor=encode_cursor(last.issued_at, last.id) if last else None,
        )

    def get(self, certificate_id: uuid.UUID) -> CertificateOut:
        return self.out(self._certificate(certificate_id))

    def pdf(self, certificate_id: uuid.UUID) -> tuple[str, bytes]:
        return self._pdf(self._certificate(certificate_id))

    def mine(self, me: VolunteerFact, cursor: str | None, limit: int) -> CertificatePage:
        return self.page(me.volunteer_id, None, cursor, limit)

    def my_certificate(self, me: VolunteerFact, certificate_id: uuid.UUID) -> CertificateOut:
        return self.out(self._mine(me, certificate_id))

    def my_pdf(self, me: VolunteerFact, certificate_id: uuid.UUID) -> tuple[str, bytes]:
        return self._pdf(self._mine(me, certificate_id))

    def out(self, certificate: Certificate) -> CertificateOut:
        stored = {
            name: getattr(certificate, name) for name in CertificateOut.model_fields if name != "check_url"
        }
        return CertificateOut.model_validate({**stored, "check_url": self.check_url(certificate)})

    def check_url(self, certificate: Certificate) -> str:
        return (
            f"{self.public_url}/certificates/check/{certificate.serial}?code={certificate.verification_code}"
        )

    def _certificate(self, certificate_id: uuid.UUID) -> Certificate:
        certificate = self.certificates.certificate(certificate_id)
        if certificate is None:
            raise CertificateNotFound()
        return certificate

    def _mine(self, me: VolunteerFact, certificate_id: uuid.UUID) -> Certificate:
        certificate = self.certificates.certificate(certificate_id)
        if (
            certificate is None
            or certificate.tenant_id != me.tenant_id
            or certificate.volunteer_id != me.volunteer_id
        ):
            raise CertificateNotFound()
        return certificate

    def _pdf(self, certificate: Certificate) -> tuple[str, bytes]:
        return f"{certificate.serial}.pdf", render_certificate(certificate, self.check_url(certificate))


class CheckService:
    """The public check: no login, no tenant. It never reads as a tenant nor as the platform: the
    transaction is granted the presented serial and code (`app.certificate_serial`, `app.certificate_code`)
    and row-level security then shows exactly the row that has both (migration 0002_certificates) — a bug
    here could at worst show the certificate the caller already holds. The code is checked in constant time
    first, so a wrong one costs no query and answers exactly like a serial that does not exist.

    Smaller than a public serial → tenant index table (one more table to keep in step with moves, and with
    no RLS of its own to lean on) and safer than searching as the root context (which would see every
    committee's certificates). Distributed by tenant (Citus), a lookup by serial alone visits every shard:
    acceptable for a check a person makes now and then."""

    def __init__(self, session: Session, signer: CodeSigner) -> None:
        self.session = session
        self.signer = signer

    def check(self, serial: str, presented_code: str) -> CertificateCheck:
        code = normalise_code(presented_code)
        if not self.signer.matches(serial, code):
            raise CheckNotFound()
        act_as(self.session, certificate_serial=serial, certificate_code=code)
        certificate = presented_certificate(self.session, serial)
        if certificate is None:
            raise CheckNotFound()
        return CertificateCheck(
            serial=certificate.serial,
            status=CertificateStatus(certificate.status),
            issuer_name=certificate.issuer_name,
            issued_on=certificate.issued_on,
            period_from=certificate.period_from,
            period_to=certificate.period_to,
            hours=certificate.hours,
            volunteer_name_masked=mask_name(certificate.volunteer_name),
            revoked_on=local_date(certificate.revoked_at) if certificate.revoked_at else None,
        )


def mask_name(name: str) -> str:
    """王阿姨 → 王*: the surname, and one `*` whatever the length, so not even that shows."""
    return name.strip()[:1] + "*"


def _service_content(records: Sequence[RecordFact]) -> str:
    names = list(dict.fromkeys(record.activity_name for record in records))
    shown = "、".join(_cut(name) for name in names[:NAMES_IN_CONTENT])
    return shown if len(names) <= NAMES_IN_CONTENT else f"{shown}等{len(names)}项"


def _activities(records: Sequence[RecordFact]) -> list[dict[str, Any]]:
    by_activity: dict[uuid.UUID, dict[str, Any]] = {}
    for record in records:
        item = by_activity.setdefault(
            record.activity_id, {"activity": record.activity_name, "records": 0, "hours": Decimal(0)}
        )
        item["records"] += 1
        item["hours"] += record.hours
    ranked = sorted(by_activity.values(), key=lambda item: (-item["hours"], item["activity"]))
    return [{**item, "hours": str(item["hours"].quantize(HUNDREDTH))} for item in ranked]


def _lines(records: Sequence[RecordFact]) -> list[dict[str, Any]]:
    if len(records) > LINES_KEPT:
        return []
    return [
        {
            "date": record.service_date.isoformat(),
            "activity": record.activity_name,
            "hours": str(record.hours.quantize(HUNDREDTH)),
        }
        for record in records
    ]


def _cut(name: str) -> str:
    return name if len(name) <= NAME_IN_CONTENT else name[: NAME_IN_CONTENT - 1] + "…"
