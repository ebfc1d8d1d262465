"""The public check, with no login: a serial with its code says valid or revoked, who issued it, when and
for how many hours, and the volunteer's surname only; a wrong code says exactly what an unknown serial
says. Row-level security, not only the code, keeps every other certificate out of a public transaction."""

from datetime import UTC, date, datetime
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from linli_evaluation.certificates.models import Certificate
from linli_evaluation.certificates.serials import format_serial
from linli_shared.db import act_as

PROBLEM = "application/problem+json"
PERSONAL = ("王阿姨", "阿姨", "310101", "123X", "********", "居民身份证", "赵经办", "升学")


@pytest.fixture
def certificate(committee, register, record, issue, at_issue_day) -> dict:
    volunteer = register(committee.tenant, "王阿姨")
    record(committee.tenant, volunteer, hours=2.5, on=date(2026, 4, 1))
    record(committee.tenant, volunteer, hours=1.0, on=date(2026, 9, 9))
    response = issue(volunteer)
    assert response.status_code == 201, response.text
    return response.json()


def check(client, serial: str, code: str | None):
    params = {} if code is None else {"code": code}
    return client.get(f"/v1/certificate-checks/{serial}", params=params)


def page(client, serial: str, code: str | None):
    params = {} if code is None else {"code": code}
    return client.get(f"/certificates/check/{serial}", params=params)


def test_a_valid_certificate_checks_out_without_personal_data(certificate, certificate_client):
    response = check(certificate_client, certificate["serial"], certificate["verification_code"])

    assert response.status_code == 200, response.text
    assert response.json() == {
        "serial": certificate["serial"],
        "status": "valid",
        "issuer_name": "甲居民区",
        "issued_on": "2026-11-25",
        "period_from": "2026-04-01",
        "period_to": "2026-09-09",
        "hours": 3.5,
        "volunteer_name_masked": "王*",
        "revoked_on": None,
    }
    for personal in PERSONAL:
        assert personal not in response.text, personal


def test_the_qr_codes_url_opens_a_zh_cn_page_saying_it_is_valid(certificate, certificate_client):
    url = urlsplit(certificate["check_url"])

    response = certificate_client.get(f"{url.path}?{url.query}")

    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert '<html lang="zh-CN">' in response.text
    for shown in ("本证明真实有效", certificate["serial"], "王*", "3.5小时", "甲居民区", "2026年11月25日"):
        assert shown in response.text, shown
    for personal in PERSONAL:
        assert personal not in response.text, personal
    assert "<script" not in response.text


def test_codes_are_read_as_typed_from_paper(certificate, certificate_client):
    typed = f"  {certificate['verification_code'].lower()} "

    assert check(certificate_client, certificate["serial"], typed).json()["status"] == "valid"


def test_a_revoked_certificate_checks_as_revoked(certificate, certificate_client, login, clock):
    clock.at = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
    certificate_client.post(
        f"/v1/certificates/{certificate['id']}/revoke",
        json={"reason": "王阿姨要求重开"},
        headers=login("staff"),
    )

    answer = check(certificate_client, certificate["serial"], certificate["verification_code"])
    shown = page(certificate_client, certificate["serial"], certificate["verification_code"])

    assert answer.status_code == 200
    assert (answer.json()["status"], answer.json()["revoked_on"]) == ("revoked", "2026-12-02")
    assert "重开" not in answer.text
    assert "王阿姨" not in answer.text
    assert shown.status_code == 200
    assert "已于2026年12月2日撤销" in shown.text
    assert "真实有效" not in shown.text


def test_a_wrong_code_answers_exactly_like_an_unknown_serial(certificate, certificate_client, committee):
    serial, code = certificate["serial"], certificate["verification_code"]
    unknown_serial = format_serial("nobody-here", 2026, 1)
    other_code = "A" * 12 if code != "A" * 12 else "B" * 12

    answers = [
        check(certificate_client, serial, other_code),
        check(certificate_client, serial, code[:-1]),
        check(certificate_client, serial, None),
        check(certificate_client, serial, ""),
        check(certificate_client, unknown_serial, code),
        check(certificate_client, "not a serial", code),
        check(certificate_client, serial.replace("-000001", "-000002"), code),
    ]

    for answer in answers:
        assert answer.status_code == 404, answer.text
        assert answer.headers["content-type"] == PROBLEM
        assert answer.json()["type"].endswith("/certificate-check-not-found")
        assert answer.json()["detail"] == answers[0].json()["detail"]
    pages = [page(certificate_client, serial, other_code), page(certificate_client, unknown_serial, code)]
    assert all(p.status_code == 404 and "未找到该证明" in p.text for p in pages)
    assert pages[0].text == pages[1].text


def test_oversized_input_is_refused_before_anything_is_read(certificate_client):
    assert check(certificate_client, "Z" * 101, "A" * 12).status_code == 422
    assert check(certificate_client, "ZYFW-X-2026-000001", "A" * 65).status_code == 422


def test_row_level_security_shows_a_public_transaction_only_the_presented_certificate(
    certificate, committee, register, record, issue, evaluation_database
):
    other_volunteer = register(committee.tenant, "李叔")
    record(committee.tenant, other_volunteer, hours=1.0)
    other = issue(other_volunteer).json()

    def visible(**grants: str) -> list[str]:
        with evaluation_database.transaction() as session:
            if grants:
                act_as(session, **grants)
            return list(session.scalars(select(Certificate.serial)).all())

    assert visible() == []
    assert visible(certificate_serial=certificate["serial"], certificate_code="A" * 12) == []
    assert (
        visible(certificate_serial=certificate["serial"], certificate_code=other["verification_code"]) == []
    )
    assert visible(
        certificate_serial=certificate["serial"], certificate_code=certificate["verification_code"]
    ) == [certificate["serial"]]
    with evaluation_database.transaction() as session:
        act_as(
            session,
            certificate_serial=certificate["serial"],
            certificate_code=certificate["verification_code"],
        )
        # presenting a certificate grants reading it, never changing it
        changed = session.execute(
            Certificate.__table__.update()
            .where(Certificate.serial == certificate["serial"])
            .values(status="revoked", revoked_at=func.now())
        )
        assert changed.rowcount == 0
