"""Serial numbers: per committee and year, consecutive, unique under concurrent issuance, and a new count
each year; verification codes: derived from the serial by the signing key, nothing else."""

import threading
import uuid
from datetime import UTC, date, datetime

import pytest

from linli_evaluation.certificates.models import IdType
from linli_evaluation.certificates.schemas import CertificateCreate
from linli_evaluation.certificates.serials import CodeSigner, format_serial
from linli_evaluation.certificates.service import CertificateService
from linli_evaluation.facts.models import VolunteerFact
from linli_shared.tenancy import Role, TenantContext

THREADS = 8


def test_serials_count_on_per_committee_and_start_again_each_year(
    committee, world, register, record, issue, clock, login, certificate_client
):
    volunteer = register(committee.tenant, "王阿姨")
    neighbour = register(world.sibling, "邻居")
    record(committee.tenant, volunteer, hours=2.0, on=date(2026, 5, 1))
    record(world.sibling, neighbour, hours=2.0, on=date(2026, 5, 1))
    clock.at = datetime(2026, 12, 31, 15, 59, tzinfo=UTC)  # 23:59 on 31 December in Shanghai

    first, second = issue(volunteer).json()["serial"], issue(volunteer).json()["serial"]
    theirs = certificate_client.post(
        "/v1/certificates",
        json={
            "volunteer_id": str(neighbour),
            "id_type": "护照",
            "id_number_masked": "E12****67",
            "handler": "钱经办",
        },
        headers=login("sibling_admin"),
    ).json()["serial"]
    clock.at = datetime(2026, 12, 31, 16, 0, tzinfo=UTC)  # midnight in Shanghai: 2027 there
    next_year = issue(volunteer).json()["serial"]

    ours = world.committee.slug.upper()
    assert (first, second) == (f"ZYFW-{ours}-2026-000001", f"ZYFW-{ours}-2026-000002")
    assert theirs == f"ZYFW-{world.sibling.slug.upper()}-2026-000001"
    assert next_year == f"ZYFW-{ours}-2027-000001"


def test_concurrent_issues_get_unique_consecutive_serials(
    committee, world, register, record, evaluation_database, evaluation_settings
):
    volunteer = register(committee.tenant, "王阿姨")
    record(committee.tenant, volunteer, hours=2.0)
    staff = TenantContext(
        tenant_id=committee.id, tenant_path=committee.path, role=Role.STAFF, subject="user:concurrency"
    )
    request = CertificateCreate(
        volunteer_id=volunteer,
        id_type=IdType.RESIDENT_ID,
        id_number_masked="310101********1234",
        handler="赵经办",
    )
    signer = CodeSigner(evaluation_settings.signing_key.get_secret_value().encode())
    moment = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
    ready = threading.Barrier(THREADS)
    serials: list[str] = []
    failures: list[BaseException] = []

    def issue_one() -> None:
        try:
            with evaluation_database.transaction(staff) as session:
                # every transaction is open and has read before any of them asks for a number
                session.get(VolunteerFact, (committee.id, volunteer))
                ready.wait(timeout=30)
                certificate = CertificateService(session, staff, signer, "https://linli.test").issue(
                    request, moment
                )
            serials.append(certificate.serial)
        except BaseException as error:  # pragma: no cover - reported below
            failures.append(error)

    threads = [threading.Thread(target=issue_one) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not failures, failures
    assert sorted(serials) == [
        format_serial(world.committee.slug, 2026, number) for number in range(1, THREADS + 1)
    ]


def test_a_rolled_back_issue_leaves_no_gap(
    committee, register, record, issue, at_issue_day, evaluation_database, evaluation_settings
):
    volunteer = register(committee.tenant, "王阿姨")
    record(committee.tenant, volunteer, hours=2.0)
    staff = TenantContext(
        tenant_id=committee.id, tenant_path=committee.path, role=Role.STAFF, subject="user:x"
    )
    request = CertificateCreate(
        volunteer_id=volunteer, id_type=IdType.PASSPORT, id_number_masked="E12****67", handler="赵经办"
    )
    signer = CodeSigner(evaluation_settings.signing_key.get_secret_value().encode())

    def fail_after_numbering() -> None:
        with evaluation_database.transaction(staff) as session:
            issued = CertificateService(session, staff, signer, "https://linli.test").issue(
                request, at_issue_day.at
            )
            assert issued.serial.endswith("-2026-000001")
            raise RuntimeError("the request fails after the number was taken")

    with pytest.raises(RuntimeError):
        fail_after_numbering()

    assert issue(volunteer).json()["serial"].endswith("-2026-000001")
    assert issue(volunteer).json()["serial"].endswith("-2026-000002")


def test_codes_are_the_serials_hmac_and_nothing_else_matches():
    signer = CodeSigner(b"k" * 32)
    serial = format_serial("ximen", 2026, 123)
    code = signer.code(serial)

    assert serial == "ZYFW-XIMEN-2026-000123"
    assert len(code) == 12
    assert code.isalnum()
    assert code == code.upper()
    assert signer.code(serial) == code
    assert signer.matches(serial, code)
    assert not signer.matches(format_serial("ximen", 2026, 124), code)
    assert not CodeSigner(b"x" * 32).matches(serial, code)
    assert not signer.matches(serial, code.lower())  # normalised by the caller, not here
    assert not signer.matches(serial, code[:-1])
    assert not signer.matches(serial + "\x00", code)
    assert not signer.matches("", "")
    assert signer.code(format_serial(uuid.uuid4().hex[:10], 2026, 1)) != code
