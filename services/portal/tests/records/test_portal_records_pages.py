"""The committee's service records in the portal: the list, a record with the national fields, its ledger,
the resident's rating (评价情况) and the link (QR code) to give it; adjusting and voiding hours."""

import re
from datetime import UTC, date, datetime, time

import pytest

from linli_shared.clock import SHANGHAI

pytestmark = pytest.mark.integration

#: the day the records' tests serve on (a Monday; within every window the services keep)
SERVICE_DAY = date(2026, 11, 16)


def ok(response, status: int = 200):
    assert response.status_code == status, response.text
    return response.json()


def moment(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI).astimezone(UTC)


@pytest.fixture
def served(enrol, serve_shift, settle, clock):
    """王阿姨 served two hours on SERVICE_DAY; evaluation has heard of it; the app stands that afternoon."""
    volunteer_id = enrol("王阿姨")
    settle()
    record_id = serve_shift(volunteer_id, SERVICE_DAY)
    settle()
    clock.at = moment(SERVICE_DAY, 15)
    return volunteer_id, record_id


def record_of(services, login, record_id):
    return ok(services["scheduling"].client.get(f"/v1/service-records/{record_id}", headers=login("staff")))


def test_the_list_and_a_record_with_its_rating_and_the_residents_link(browse, world, served):
    volunteer_id, record_id = served
    admin = browse("tenant_admin")
    base = f"/t/{world.committee.slug}/records"

    listing = admin.get(base)
    assert listing.status_code == 200, listing.text
    assert "服务记录" in listing.text
    assert "王阿姨" in listing.text
    assert "垃圾分类值守" in listing.text
    assert f"{base}/{record_id}" in listing.text
    assert "王阿姨" not in admin.get(f"{base}?flag=late_entry").text, "no late entries among them"
    assert (
        "王阿姨" in admin.get(f"{base}?from={SERVICE_DAY}&to={SERVICE_DAY}&volunteer_id={volunteer_id}").text
    )

    page = admin.get(f"{base}/{record_id}")
    assert page.status_code == 200, page.text
    for shown in (
        "3号楼垃圾房",
        "指导居民垃圾分类",
        "小区居民",
        "2026-11-16",
        "09:00",
        "11:00",
        "评价情况",
        "待评价",
    ):
        assert shown in page.text, shown
    # the resident's link opens the portal's own rating page, with its QR code inline
    link = re.search(r'href="(https://portal\.test/feedback/[^"]+)"', page.text)
    assert link, page.text
    assert "<svg" in page.text
    assert 'class="qr"' in page.text


def test_bad_filters_are_a_clear_page(browse, world):
    admin = browse("tenant_admin")
    assert admin.get(f"/t/{world.committee.slug}/records?from=yesterday").status_code == 400
    assert admin.get(f"/t/{world.committee.slug}/records?flag=everything").status_code == 400


def test_adjusting_and_voiding_go_through_the_ledger(browse, world, served, services, login):
    _, record_id = served
    admin = browse("tenant_admin")
    base = f"/t/{world.committee.slug}/records/{record_id}"

    adjusted = admin.post(f"{base}/adjust", {"hours": "1.5", "reason": "中途离开半小时"})
    assert adjusted.status_code == 303
    assert adjusted.headers["location"] == base
    record = record_of(services, login, record_id)
    assert record["hours"] == 1.5
    assert [(e["kind"], e["reason"]) for e in record["entries"]][-1] == ("adjusted", "中途离开半小时")
    assert "中途离开半小时" in admin.get(base).text

    voided = admin.post(f"{base}/void", {"reason": "重复记录"})
    assert voided.status_code == 303
    record = record_of(services, login, record_id)
    assert record["voided"] is True
    assert record["entries"][-1]["kind"] == "voided"


def test_bad_adjustments_change_nothing(browse, world, served, services, login):
    _, record_id = served
    admin = browse("tenant_admin")
    base = f"/t/{world.committee.slug}/records/{record_id}"

    no_reason = admin.post(f"{base}/adjust", {"hours": "1.5", "reason": ""})
    assert no_reason.status_code == 422, no_reason.text
    assert "form-error" in no_reason.text
    assert "王阿姨" in no_reason.text
    assert admin.post(f"{base}/adjust", {"hours": "lots", "reason": "?"}).status_code == 400
    assert admin.post(f"{base}/adjust", {"hours": "25", "reason": "太多"}).status_code == 400
    assert admin.post(f"{base}/void", {"reason": ""}).status_code == 422
    record = record_of(services, login, record_id)
    assert (record["hours"], record["voided"], len(record["entries"])) == (2.0, False, 1)


def test_another_committees_records_do_not_exist(browse, world, served, services, login):
    _, record_id = served
    sibling = browse("sibling_admin")
    assert sibling.get(f"/t/{world.committee.slug}/records").status_code == 404
    assert sibling.get(f"/t/{world.committee.slug}/records/{record_id}").status_code == 404
    # the committee's record id under the sibling's own portal: not theirs, so not there
    own = f"/t/{world.sibling.slug}/records/{record_id}"
    assert sibling.get(own).status_code == 404
    assert sibling.post(f"{own}/adjust", {"hours": "0.5", "reason": "改一下"}).status_code == 404
    assert sibling.post(f"{own}/void", {"reason": "作废"}).status_code == 404
    assert "王阿姨" not in sibling.get(f"/t/{world.sibling.slug}/records").text
    assert record_of(services, login, record_id)["hours"] == 2.0


def test_an_auditor_reads_records_but_gets_no_link_or_forms(browse, world, served):
    _, record_id = served
    page = browse("auditor").get(f"/t/{world.committee.slug}/records/{record_id}")
    assert page.status_code == 200
    assert "王阿姨" in page.text
    assert "/feedback/" not in page.text
    assert "/adjust" not in page.text
