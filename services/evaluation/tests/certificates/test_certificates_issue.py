"""Issuing a certificate: it certifies the committee's own non-voided hours of the volunteer in the period,
prints as a one-page PDF with the serial, hours and a QR code, announces itself without ID data — and a
request that breaks a rule writes nothing."""

import io
import uuid
from datetime import date, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from linli_evaluation.certificates.models import Certificate
from linli_evaluation.database import messaging
from linli_evaluation.events.certificates import CERTIFICATES_TOPIC

PROBLEM = "application/problem+json"


def void(deliver, tenant, volunteer_id, record_id) -> None:
    deliver(
        "linli.scheduling.service_record.voided.v1",
        "scheduling.service_records",
        tenant,
        volunteer_id,
        {
            "record_id": str(record_id),
            "entry_id": str(uuid.uuid4()),
            "volunteer_id": str(volunteer_id),
            "delta": -2.0,
            "reason": "重复登记",
        },
        source="/linli/scheduling",
    )


def pdf_text(content: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(content))
    return len(reader.pages), "".join(page.extract_text() for page in reader.pages)


def test_staff_issue_a_certificate_of_the_committees_own_hours(
    committee, world, register, record, deliver, issue, at_issue_day, evaluation_database
):
    volunteer = register(committee.tenant, "王阿姨")
    duty, meals = uuid.uuid4(), uuid.uuid4()
    first = record(committee.tenant, volunteer, hours=2.0, on=date(2026, 3, 1), activity_id=duty)
    second = record(committee.tenant, volunteer, hours=1.5, on=date(2026, 6, 2), activity_id=duty)
    third = record(
        committee.tenant,
        volunteer,
        hours=3.0,
        on=date(2026, 9, 3),
        activity_id=meals,
        activity_name="敬老助餐",
    )
    voided = record(committee.tenant, volunteer, hours=2.0, on=date(2026, 9, 4), activity_id=meals)
    void(deliver, committee.tenant, volunteer, voided)
    # another committee's record of the same person is that committee's to certify
    record(world.sibling, volunteer, hours=5.0, on=date(2026, 9, 5))

    response = issue(volunteer, purpose="评优")

    assert response.status_code == 201, response.text
    certificate = response.json()
    assert certificate["serial"].endswith("-2026-000001")
    assert certificate["serial"].startswith("ZYFW-")
    assert certificate["status"] == "valid"
    assert certificate["hours"] == 6.5
    assert certificate["record_count"] == 3
    assert certificate["activity_count"] == 2
    assert certificate["period_from"] == "2026-03-01"
    assert certificate["period_to"] == "2026-09-03"
    assert certificate["issued_on"] == "2026-11-25"
    assert certificate["volunteer_name"] == "王阿姨"
    assert certificate["volunteer_number"] == str(volunteer)
    assert certificate["id_number_masked"] == "310101********123X"
    assert certificate["issuer_name"] == "甲居民区"
    assert certificate["handler"] == "赵经办"
    assert certificate["purpose"] == "评优"
    assert set(certificate["record_ids"]) == {str(first), str(second), str(third)}
    assert certificate["service_content"] == "垃圾分类值守、敬老助餐"
    assert certificate["activities"] == [
        {"activity": "垃圾分类值守", "records": 2, "hours": 3.5},
        {"activity": "敬老助餐", "records": 1, "hours": 3.0},
    ]
    assert [line["date"] for line in certificate["lines"]] == ["2026-03-01", "2026-06-02", "2026-09-03"]
    assert len(certificate["verification_code"]) == 12
    assert certificate["check_url"].endswith(
        f"/certificates/check/{certificate['serial']}?code={certificate['verification_code']}"
    )

    outbox = messaging.outbox
    with evaluation_database.transaction(committee.context) as session:
        events = session.scalars(
            select(outbox.c.event).where(outbox.c.topic == CERTIFICATES_TOPIC, outbox.c.key == str(volunteer))
        ).all()
    assert len(events) == 1
    event = events[0]
    assert event["type"] == "linli.evaluation.certificate.issued.v1"
    assert event["tenantid"] == str(committee.id)
    assert event["data"] == {
        "certificate_id": certificate["id"],
        "serial": certificate["serial"],
        "volunteer_id": str(volunteer),
        "hours": 6.5,
        "record_count": 3,
        "period_from": "2026-03-01",
        "period_to": "2026-09-03",
        "issued_on": "2026-11-25",
    }
    assert "123X" not in str(event)
    assert "王阿姨" not in str(event)


def test_the_period_bounds_the_hours_and_is_printed_as_asked(
    committee, register, record, issue, at_issue_day
):
    volunteer = register(committee.tenant, "李叔")
    record(committee.tenant, volunteer, hours=2.0, on=date(2025, 12, 31))
    record(committee.tenant, volunteer, hours=1.0, on=date(2026, 1, 1))
    record(committee.tenant, volunteer, hours=4.0, on=date(2026, 6, 30))
    record(committee.tenant, volunteer, hours=8.0, on=date(2026, 7, 1))

    response = issue(volunteer, **{"from": "2026-01-01", "to": "2026-06-30"})

    assert response.status_code == 201, response.text
    assert response.json()["hours"] == 5.0
    assert (response.json()["period_from"], response.json()["period_to"]) == ("2026-01-01", "2026-06-30")


def test_the_pdf_is_one_a4_page_with_the_serial_hours_and_title(
    committee, register, record, issue, at_issue_day, certificate_client, login
):
    volunteer = register(committee.tenant, "王阿姨")
    record(committee.tenant, volunteer, hours=2.5, on=date(2026, 10, 8))
    certificate = issue(volunteer, volunteer_number="31011620260001").json()

    response = certificate_client.get(f"/v1/certificates/{certificate['id']}.pdf", headers=login("auditor"))

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert certificate["serial"] in response.headers["content-disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    width, height = (float(value) for value in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    text = "".join(page.extract_text() for page in reader.pages)
    for printed in (
        "志愿服务证明",
        certificate["serial"],
        "2.5",
        "王阿姨",
        "居民身份证",
        "310101********123X",
        "31011620260001",
        "甲居民区",
        "赵经办",
        "2026年11月25日",
        "2026年10月8日",
        "垃圾分类值守",
        "升学",
        certificate["verification_code"],
    ):
        assert printed in text, printed
    assert reader.pages[0].images, "the QR code is drawn on the page"


def test_many_records_still_print_on_one_page(
    committee, register, record, issue, at_issue_day, certificate_client, login
):
    volunteer = register(committee.tenant, "张阿姨")
    long_name = "社区老年人居家养老上门助餐助浴助洁助行助急助医服务" * 2
    for day in range(1, 31):
        record(
            committee.tenant,
            volunteer,
            hours=1.0,
            on=date(2026, 10, day),
            activity_id=uuid.uuid4(),
            activity_name=f"{long_name}{day}"[:80],
        )
    certificate = issue(volunteer).json()
    assert certificate["lines"] == []  # too many to list one by one: the page lists activities
    assert certificate["service_content"].endswith("等30项")

    response = certificate_client.get(f"/v1/certificates/{certificate['id']}.pdf", headers=login("staff"))

    pages, text = pdf_text(response.content)
    assert pages == 1
    assert certificate["serial"] in text
    assert "其他" in text  # the activities beyond the first few, summed in one row


def test_no_hours_to_certify_is_a_conflict_and_writes_nothing(
    committee, world, register, record, deliver, issue, written
):
    volunteer = register(committee.tenant, "刘伯")
    voided = record(committee.tenant, volunteer, hours=2.0, on=date(2026, 5, 5))
    void(deliver, committee.tenant, volunteer, voided)
    record(committee.tenant, volunteer, hours=0.0, on=date(2026, 5, 6))
    record(world.sibling, volunteer, hours=3.0, on=date(2026, 5, 7))
    record(committee.tenant, volunteer, hours=2.0, on=date(2026, 8, 8))  # outside the asked period
    before = written()

    response = issue(volunteer, to="2026-07-31")

    assert response.status_code == 409, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["type"].endswith("/no-hours-to-certify")
    assert written() == before


@pytest.mark.parametrize(
    ("id_type", "number"),
    [
        ("居民身份证", "31010119900101123X"),  # not masked at all
        ("居民身份证", "3101011990****123X"),  # ten characters shown before the mask
        ("居民身份证", "310101*******12345"),  # five shown at the end
        ("居民身份证", "310101*****23X"),  # too short for an ID card
        ("居民身份证", "31********"),  # two shown at the start
        ("居民身份证", "310101************"),  # nothing shown at the end
        ("居民身份证", "310101＊＊＊＊＊＊＊＊123X"),  # full-width asterisks are not a mask
        ("护照", "E12**67"),  # fewer than four masked
        ("护照", "E1234567"),
        ("其他", "abc-****-12"),
        ("其他", ""),
    ],
)
def test_an_id_number_that_is_not_masked_is_refused_and_nothing_written(
    committee, register, record, issue, written, id_type, number
):
    volunteer = register(committee.tenant, "陈姐")
    record(committee.tenant, volunteer, hours=2.0)
    before = written()

    response = issue(volunteer, id_type=id_type, id_number_masked=number)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    assert any(error["field"].endswith("id_number_masked") for error in response.json()["errors"])
    assert written() == before


@pytest.mark.parametrize(
    ("id_type", "number", "stored"),
    [
        ("居民身份证", "310101********1234", "310101********1234"),
        ("港澳台居民居住证", "810000***********1", "810000***********1"),
        ("护照", "e12****67", "E12****67"),
        ("其他", " ABC*****XYZ ", "ABC*****XYZ"),
    ],
)
def test_masked_numbers_of_each_document_are_accepted(
    committee, register, record, issue, at_issue_day, id_type, number, stored
):
    volunteer = register(committee.tenant, "陈姐")
    record(committee.tenant, volunteer, hours=2.0)

    response = issue(volunteer, id_type=id_type, id_number_masked=number)

    assert response.status_code == 201, response.text
    assert (response.json()["id_type"], response.json()["id_number_masked"]) == (id_type, stored)


@pytest.mark.parametrize(
    "overrides",
    [
        {"id_type": "身份证"},
        {"id_type": None},
        {"handler": ""},
        {"handler": "   "},
        {"handler": "赵\x00经办"},
        {"handler": "赵" * 51},
        {"purpose": "升" * 51},
        {"volunteer_id": "not-a-uuid"},
        {"volunteer_id": True},
        {"from": "2026-07-01", "to": "2026-06-30"},
        {"from": 1767225600},
        {"to": True},
        {"volunteer_number": "31/0116"},
        {"id_number_masked": 310101},
        {"unexpected": "field"},
        {"full_id_number": "31010119900101123X"},
    ],
)
def test_bad_input_is_a_problem_and_writes_nothing(committee, register, record, issue, written, overrides):
    volunteer = register(committee.tenant, "陈姐")
    record(committee.tenant, volunteer, hours=2.0)
    before = written()

    response = issue(volunteer, **overrides)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    assert written() == before


def test_an_unknown_or_another_committees_volunteer_is_not_found(
    committee, world, register, record, issue, written, login, certificate_client
):
    theirs = register(world.sibling, "邻居")
    record(world.sibling, theirs, hours=4.0)
    before = written()

    assert issue(theirs).status_code == 404
    assert issue(uuid.uuid4()).status_code == 404
    assert issue(theirs).json()["type"].endswith("/volunteer-not-found")
    assert written() == before


@pytest.mark.parametrize("role", ["auditor", "volunteer", "town_admin", "district_admin"])
def test_only_committee_staff_issue(committee, register, record, issue, written, role):
    volunteer = register(committee.tenant, "陈姐")
    record(committee.tenant, volunteer, hours=2.0)
    before = written()

    response = issue(volunteer, as_user=role)

    assert response.status_code == 403, response.text
    assert written() == before


def test_the_tenant_admin_issues_too_and_without_a_token_nobody_does(
    committee, register, record, issue, certificate_client, at_issue_day
):
    volunteer = register(committee.tenant, "陈姐")
    record(committee.tenant, volunteer, hours=2.0)

    assert issue(volunteer, as_user="tenant_admin").status_code == 201
    assert certificate_client.post("/v1/certificates", json={}).status_code == 401


def test_the_certificate_keeps_what_it_certified_when_records_change_later(
    committee, register, record, deliver, issue, at_issue_day, evaluation_database
):
    volunteer = register(committee.tenant, "王阿姨")
    record_id = record(committee.tenant, volunteer, hours=2.0, on=date(2026, 4, 4))
    certificate = issue(volunteer).json()

    void(deliver, committee.tenant, volunteer, record_id)

    with evaluation_database.transaction(committee.context) as session:
        stored = session.get(Certificate, (committee.id, uuid.UUID(certificate["id"])))
        assert stored is not None
        assert float(stored.hours) == 2.0
        assert stored.issued_at == datetime.fromisoformat(certificate["issued_at"])
