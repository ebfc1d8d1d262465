"""Who sees and changes which certificates: the committee's readers theirs, a town its subtree, a volunteer
only their own, another committee nothing (404); revoking is the committee staff's, once, with a reason."""

import io
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from linli_evaluation.database import messaging
from linli_evaluation.events.certificates import CERTIFICATES_TOPIC

PROBLEM = "application/problem+json"


@pytest.fixture
def issued(committee, register, record, issue, at_issue_day):
    """Two certificates of one volunteer of committee A and one of another."""
    wang = register(committee.tenant, "王阿姨")
    li = register(committee.tenant, "李叔")
    record(committee.tenant, wang, hours=2.0, on=date(2026, 5, 1))
    record(committee.tenant, li, hours=3.0, on=date(2026, 5, 2))
    first = issue(wang).json()
    at_issue_day.at += timedelta(minutes=1)
    second = issue(wang, purpose="评优").json()
    at_issue_day.at += timedelta(minutes=1)
    third = issue(li).json()
    return {"wang": wang, "li": li, "certificates": [first, second, third]}


def test_readers_list_newest_first_filter_by_volunteer_and_page(issued, certificate_client, login, clock):
    first, second, third = issued["certificates"]
    headers = login("auditor")

    everything = certificate_client.get("/v1/certificates", headers=headers).json()
    wangs = certificate_client.get(
        "/v1/certificates", params={"volunteer_id": str(issued["wang"])}, headers=headers
    ).json()
    page = certificate_client.get("/v1/certificates", params={"limit": 2}, headers=headers).json()
    rest = certificate_client.get(
        "/v1/certificates", params={"limit": 2, "cursor": page["next_cursor"]}, headers=headers
    ).json()

    assert [item["id"] for item in everything["items"]] == [third["id"], second["id"], first["id"]]
    assert {item["id"] for item in wangs["items"]} == {first["id"], second["id"]}
    assert [item["id"] for item in page["items"] + rest["items"]] == [third["id"], second["id"], first["id"]]
    assert rest["next_cursor"] is None


def test_a_reader_gets_one_and_its_pdf(issued, certificate_client, login):
    certificate = issued["certificates"][0]
    headers = login("staff")

    one = certificate_client.get(f"/v1/certificates/{certificate['id']}", headers=headers)
    pdf = certificate_client.get(f"/v1/certificates/{certificate['id']}.pdf", headers=headers)

    assert one.status_code == 200
    assert one.json() == certificate
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")


def test_the_town_reads_its_committees_certificates_the_other_town_does_not(
    issued, certificate_client, login
):
    certificate = issued["certificates"][0]

    town = certificate_client.get("/v1/certificates", headers=login("town_admin")).json()
    assert {item["id"] for item in town["items"]} >= {c["id"] for c in issued["certificates"]}
    assert (
        certificate_client.get(
            f"/v1/certificates/{certificate['id']}", headers=login("town_admin")
        ).status_code
        == 200
    )

    other = login("other_town_admin")
    assert certificate_client.get("/v1/certificates", headers=other).json()["items"] == []
    assert certificate_client.get(f"/v1/certificates/{certificate['id']}", headers=other).status_code == 404


def test_another_committees_staff_get_404_for_everything(issued, certificate_client, login, written):
    certificate = issued["certificates"][0]
    headers = login("sibling_admin")
    before = written()

    for path in (f"/v1/certificates/{certificate['id']}", f"/v1/certificates/{certificate['id']}.pdf"):
        response = certificate_client.get(path, headers=headers)
        assert response.status_code == 404, path
        assert response.headers["content-type"] == PROBLEM
    revoke = certificate_client.post(
        f"/v1/certificates/{certificate['id']}/revoke", json={"reason": "错发"}, headers=headers
    )
    listing = certificate_client.get(
        "/v1/certificates", params={"volunteer_id": str(issued["wang"])}, headers=headers
    )

    assert revoke.status_code == 404
    assert listing.json()["items"] == []
    assert written() == before
    assert (
        certificate_client.get(f"/v1/certificates/{uuid.uuid4()}", headers=login("staff")).status_code == 404
    )


def test_a_volunteer_sees_only_their_own(
    committee, me, record, register, issue, at_issue_day, certificate_client, login
):
    other = register(committee.tenant, "别人")
    record(committee.tenant, me, hours=2.0, on=date(2026, 6, 1))
    record(committee.tenant, other, hours=2.0, on=date(2026, 6, 1))
    mine = issue(me).json()
    theirs = issue(other).json()
    headers = login("volunteer")

    listing = certificate_client.get("/v1/me/certificates", headers=headers)
    one = certificate_client.get(f"/v1/me/certificates/{mine['id']}", headers=headers)
    pdf = certificate_client.get(f"/v1/me/certificates/{mine['id']}.pdf", headers=headers)

    assert [item["id"] for item in listing.json()["items"]] == [mine["id"]]
    assert one.json()["serial"] == mine["serial"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert mine["serial"] in text
    assert "王阿姨" in text
    for path in (f"/v1/me/certificates/{theirs['id']}", f"/v1/me/certificates/{theirs['id']}.pdf"):
        assert certificate_client.get(path, headers=headers).status_code == 404
    # the staff routes are not a volunteer's
    assert certificate_client.get("/v1/certificates", headers=headers).status_code == 403
    assert certificate_client.get(f"/v1/certificates/{mine['id']}.pdf", headers=headers).status_code == 403


def test_staff_have_no_my_certificates(committee, certificate_client, login):
    assert certificate_client.get("/v1/me/certificates", headers=login("staff")).status_code == 403


def test_staff_revoke_once_with_a_reason_and_it_is_announced(
    issued, certificate_client, login, clock, evaluation_database, committee
):
    certificate = issued["certificates"][0]
    clock.at = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    headers = login("staff")

    revoked = certificate_client.post(
        f"/v1/certificates/{certificate['id']}/revoke",
        json={"reason": "用途填写错误，重新出具"},
        headers=headers,
    )
    again = certificate_client.post(
        f"/v1/certificates/{certificate['id']}/revoke", json={"reason": "再次"}, headers=headers
    )

    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["status"] == "revoked"
    assert revoked.json()["revoke_reason"] == "用途填写错误，重新出具"
    assert revoked.json()["revoked_at"].startswith("2026-12-01T01:00")
    assert again.status_code == 409
    assert again.json()["type"].endswith("/certificate-already-revoked")
    listed = certificate_client.get("/v1/certificates", params={"status": "revoked"}, headers=headers).json()
    assert [item["id"] for item in listed["items"]] == [certificate["id"]]
    pdf = certificate_client.get(f"/v1/certificates/{certificate['id']}.pdf", headers=headers)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "撤销" in text

    outbox = messaging.outbox
    with evaluation_database.transaction(committee.context) as session:
        events = session.scalars(
            select(outbox.c.event).where(
                outbox.c.topic == CERTIFICATES_TOPIC,
                outbox.c.event["type"].astext == "linli.evaluation.certificate.revoked.v1",
                outbox.c.key == str(issued["wang"]),
            )
        ).all()
    assert [event["data"]["serial"] for event in events] == [certificate["serial"]]
    assert events[0]["data"]["revoked_on"] == "2026-12-01"
    assert "用途" not in str(events[0])


@pytest.mark.parametrize(
    "body", [{}, {"reason": ""}, {"reason": "  "}, {"reason": 5}, {"reason": "x", "y": 1}]
)
def test_a_revocation_without_a_reason_is_refused_and_changes_nothing(
    issued, certificate_client, login, written, body
):
    certificate = issued["certificates"][0]
    before = written()

    response = certificate_client.post(
        f"/v1/certificates/{certificate['id']}/revoke", json=body, headers=login("staff")
    )

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    assert written() == before
    assert (
        certificate_client.get(f"/v1/certificates/{certificate['id']}", headers=login("staff")).json()[
            "status"
        ]
        == "valid"
    )


@pytest.mark.parametrize("role", ["auditor", "volunteer", "town_admin"])
def test_only_committee_staff_revoke(issued, certificate_client, login, role, written):
    certificate = issued["certificates"][0]
    before = written()

    response = certificate_client.post(
        f"/v1/certificates/{certificate['id']}/revoke", json={"reason": "错发"}, headers=login(role)
    )

    assert response.status_code == 403
    assert written() == before


@pytest.mark.parametrize(
    "params",
    [{"cursor": "not-a-cursor"}, {"limit": 0}, {"limit": 201}, {"status": "void"}, {"volunteer_id": "x"}],
)
def test_bad_listing_parameters_are_problems(issued, certificate_client, login, params):
    response = certificate_client.get("/v1/certificates", params=params, headers=login("staff"))

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
