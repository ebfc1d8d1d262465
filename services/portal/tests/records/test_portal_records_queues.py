"""The two review queues of the records area: late entries (补录), filed by one member of staff and decided
by another, and volunteers' correction requests (更正申请), granted or refused with a reason."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from linli_shared.clock import SHANGHAI

pytestmark = pytest.mark.integration

SERVICE_DAY = date(2026, 11, 16)


def ok(response, status: int = 200):
    assert response.status_code == status, response.text
    return response.json()


def moment(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI).astimezone(UTC)


@pytest.fixture
def activity(enrol, serve_shift, settle, services, login, clock):
    """李师傅, registered and known to scheduling, and an activity he served at on SERVICE_DAY (09:00–11:00);
    the app stands two days later."""
    volunteer_id = enrol("李师傅")
    settle()
    record_id = serve_shift(volunteer_id, SERVICE_DAY, name="楼道清洁")
    record = ok(services["scheduling"].client.get(f"/v1/service-records/{record_id}", headers=login("staff")))
    clock.at = moment(SERVICE_DAY + timedelta(days=2), 10)
    return volunteer_id, record["activity_id"]


def late_entries(services, login, status: str | None = "pending"):
    params = {"status": status} if status else {}
    return ok(services["scheduling"].client.get("/v1/late-entries", params=params, headers=login("staff")))[
        "items"
    ]


def late_entry_form(volunteer_id, activity_id, **changes):
    return {
        "volunteer_id": volunteer_id,
        "activity_id": activity_id,
        "day": SERVICE_DAY.isoformat(),
        "start": "14:00",
        "end": "16:00",
        "break_minutes": "15",
        "reason": "下午补扫楼道，忘记签到",
        **changes,
    }


def test_a_late_entry_is_filed_then_approved_by_a_colleague_not_the_filer(
    browse, world, activity, services, login
):
    volunteer_id, activity_id = activity
    base = f"/t/{world.committee.slug}/records/late-entries"
    admin = browse("tenant_admin")

    form = admin.get(f"{base}/new")
    assert form.status_code == 200
    assert "补录" in form.text
    assert "李师傅" in form.text
    assert "楼道清洁" in form.text
    filed = admin.post(base, late_entry_form(volunteer_id, activity_id))
    assert filed.status_code == 303, filed.text
    assert filed.headers["location"] == base
    [entry] = late_entries(services, login)
    assert (entry["volunteer_id"], entry["break_minutes"]) == (volunteer_id, 15)
    assert entry["started_at"].startswith("2026-11-16T06:00")  # 14:00 in Shanghai

    queue = admin.get(base)
    assert "李师傅" in queue.text
    assert "下午补扫楼道，忘记签到" in queue.text
    assert "楼道清洁" in queue.text

    # four eyes: the filer's own approval is refused, and the queue says so
    own = admin.post(f"{base}/{entry['id']}/decision", {"approve": "true", "note": ""})
    assert own.status_code == 403, own.text
    assert "You filed this late entry" in own.text
    assert "李师傅" in own.text
    assert late_entries(services, login)[0]["status"] == "pending"

    approved = browse("staff").post(f"{base}/{entry['id']}/decision", {"approve": "true", "note": "属实"})
    assert approved.status_code == 303
    [decided] = late_entries(services, login, "approved")
    record = ok(
        services["scheduling"].client.get(
            f"/v1/service-records/{decided['record_id']}", headers=login("staff")
        )
    )
    assert (record["late_entry"], record["source"], record["hours"]) == (
        True,
        "late_entry",
        1.5,
    )  # 105 min, Chongqing-rounded


def test_bad_late_entries_are_refused_and_nothing_is_filed(browse, world, activity, services, login):
    volunteer_id, activity_id = activity
    base = f"/t/{world.committee.slug}/records/late-entries"
    admin = browse("tenant_admin")

    backwards = admin.post(base, late_entry_form(volunteer_id, activity_id, start="16:00", end="14:00"))
    assert backwards.status_code == 422, backwards.text
    assert "form-error" in backwards.text
    assert "下午补扫楼道，忘记签到" in backwards.text, "the form comes back"
    no_reason = admin.post(base, late_entry_form(volunteer_id, activity_id, reason=""))
    assert no_reason.status_code == 422
    assert admin.post(base, late_entry_form("someone", activity_id)).status_code == 400
    assert admin.post(base, late_entry_form(volunteer_id, activity_id, start="2pm")).status_code == 400
    assert late_entries(services, login, None) == []


def test_a_rejection_needs_a_note(browse, world, activity, services, login):
    volunteer_id, activity_id = activity
    base = f"/t/{world.committee.slug}/records/late-entries"
    assert browse("tenant_admin").post(base, late_entry_form(volunteer_id, activity_id)).status_code == 303
    [entry] = late_entries(services, login)
    staff = browse("staff")
    assert staff.post(f"{base}/{entry['id']}/decision", {"approve": "false", "note": ""}).status_code == 422
    assert late_entries(services, login)[0]["status"] == "pending"
    rejected = staff.post(f"{base}/{entry['id']}/decision", {"approve": "false", "note": "当天未排班"})
    assert rejected.status_code == 303
    assert late_entries(services, login, "rejected")[0]["decision_note"] == "当天未排班"


def test_another_committees_late_entries_do_not_exist(browse, world, activity, services, login):
    volunteer_id, activity_id = activity
    assert (
        browse("tenant_admin")
        .post(f"/t/{world.committee.slug}/records/late-entries", late_entry_form(volunteer_id, activity_id))
        .status_code
        == 303
    )
    [entry] = late_entries(services, login)
    sibling = browse("sibling_admin")
    assert sibling.get(f"/t/{world.committee.slug}/records/late-entries").status_code == 404
    assert "李师傅" not in sibling.get(f"/t/{world.sibling.slug}/records/late-entries").text
    decided = sibling.post(
        f"/t/{world.sibling.slug}/records/late-entries/{entry['id']}/decision", {"approve": "true"}
    )
    assert decided.status_code == 404
    assert late_entries(services, login)[0]["status"] == "pending"


# corrections (更正申请) -----------------------------------------------------------------------------------


@pytest.fixture
def correction(enrol, serve_shift, settle, volunteer_phone, services, clock):
    """赵阿姨 (with her own login) served two hours and asks for 2.5: (record id, correction id)."""
    volunteer_id = enrol("赵阿姨")
    settle()
    phone = volunteer_phone(volunteer_id)
    record_id = serve_shift(volunteer_id, SERVICE_DAY)
    clock.at = moment(SERVICE_DAY, 15)
    asked = ok(
        services["scheduling"].client.post(
            f"/v1/me/service-records/{record_id}/corrections",
            json={"requested_hours": 2.5, "reason": "实际服务到十一点半"},
            headers=phone,
        ),
        201,
    )
    return record_id, asked["id"]


def test_a_correction_request_is_refused_without_a_reason_then_granted(
    browse, world, correction, services, login
):
    record_id, correction_id = correction
    base = f"/t/{world.committee.slug}/records/corrections"
    admin = browse("tenant_admin")

    queue = admin.get(base)
    assert queue.status_code == 200, queue.text
    assert "更正申请" in queue.text
    assert "赵阿姨" in queue.text
    assert "实际服务到十一点半" in queue.text

    refused = admin.post(f"{base}/{correction_id}/decision", {"approve": "false", "note": ""})
    assert refused.status_code == 422
    assert "form-error" in refused.text
    assert admin.post(f"{base}/{correction_id}/decision", {"approve": "maybe"}).status_code == 400

    granted = admin.post(f"{base}/{correction_id}/decision", {"approve": "true", "note": "核实属实"})
    assert granted.status_code == 303
    assert granted.headers["location"] == base
    record = ok(services["scheduling"].client.get(f"/v1/service-records/{record_id}", headers=login("staff")))
    assert record["hours"] == 2.5
    assert [(c["id"], c["status"]) for c in record["corrections"]] == [(correction_id, "approved")]
    assert record["entries"][-1]["correction_id"] == correction_id


def test_another_committees_corrections_do_not_exist(browse, world, correction, services, login):
    record_id, correction_id = correction
    sibling = browse("sibling_admin")
    assert sibling.get(f"/t/{world.committee.slug}/records/corrections").status_code == 404
    assert "赵阿姨" not in sibling.get(f"/t/{world.sibling.slug}/records/corrections").text
    decided = sibling.post(
        f"/t/{world.sibling.slug}/records/corrections/{correction_id}/decision", {"approve": "true"}
    )
    assert decided.status_code == 404
    record = ok(services["scheduling"].client.get(f"/v1/service-records/{record_id}", headers=login("staff")))
    assert (record["hours"], record["corrections"][0]["status"]) == (2.0, "pending")
