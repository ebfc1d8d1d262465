"""Where reminders go: a volunteer sets their own (`/v1/me/...`), committee staff set anyone's of their
committee; readers read; other committees see nothing; bad input writes nothing."""

import uuid

import pytest
from sqlalchemy import func, select

from linli_scheduling.reminders.models import NotificationContact

ME = "/v1/me/notification-settings"


def of(volunteer_id) -> str:
    return f"/v1/volunteers/{volunteer_id}/notification-settings"


def contacts(scheduling_database, committee) -> int:
    with scheduling_database.transaction(committee.context) as session:
        return session.scalar(select(func.count()).select_from(NotificationContact))


def test_a_volunteer_chooses_email_reminders_and_switches_them_off(scheduling_client, login, committee, me):
    headers = login("volunteer")
    assert scheduling_client.get(ME, headers=headers).json() == {
        "volunteer_id": str(me),
        "channel": "none",
        "email": None,
        "updated_at": None,
    }

    response = scheduling_client.put(
        ME, json={"channel": "email", "email": "  Wang.AYi@Example.CN "}, headers=headers
    )
    assert response.status_code == 200, response.text
    assert (response.json()["channel"], response.json()["email"]) == ("email", "wang.ayi@example.cn")
    assert response.json()["updated_at"] is not None
    assert scheduling_client.get(ME, headers=headers).json() == response.json()

    off = scheduling_client.put(ME, json={"channel": "none"}, headers=headers)
    assert (off.json()["channel"], off.json()["email"]) == ("none", None)
    kept = scheduling_client.put(ME, json={"channel": "none", "email": "w@example.cn"}, headers=headers)
    assert (kept.json()["channel"], kept.json()["email"]) == ("none", "w@example.cn")


def test_staff_set_a_volunteers_reminders_and_readers_see_them(
    scheduling_client, login, committee, register, world
):
    volunteer_id = register(world.committee, "没有登录的老人")
    response = scheduling_client.put(
        of(volunteer_id), json={"channel": "email", "email": "family@example.cn"}, headers=login("staff")
    )
    assert response.status_code == 200, response.text
    for reader in ("tenant_admin", "staff", "auditor", "town_admin", "district_admin"):
        seen = scheduling_client.get(of(volunteer_id), headers=login(reader))
        assert seen.status_code == 200, reader
        assert seen.json()["email"] == "family@example.cn"


def test_staff_and_the_volunteer_edit_the_same_setting(scheduling_client, login, committee, me):
    scheduling_client.put(of(me), json={"channel": "email", "email": "a@example.cn"}, headers=login("staff"))
    mine = scheduling_client.get(ME, headers=login("volunteer")).json()
    assert (mine["channel"], mine["email"]) == ("email", "a@example.cn")


def test_roles(scheduling_client, login, committee, me):
    body = {"channel": "email", "email": "x@example.cn"}
    for role in ("auditor", "town_admin", "district_admin", "volunteer"):
        response = scheduling_client.put(of(me), json=body, headers=login(role))
        assert response.status_code == 403, role
        assert response.headers["content-type"] == "application/problem+json"
    assert scheduling_client.get(of(me), headers=login("volunteer")).status_code == 403
    for staff in ("staff", "tenant_admin"):
        assert scheduling_client.get(ME, headers=login(staff)).status_code == 403
        assert scheduling_client.put(ME, json=body, headers=login(staff)).status_code == 403
    assert scheduling_client.get(ME).status_code == 401
    assert scheduling_client.put(of(me), json=body).status_code == 401


def test_a_volunteer_login_not_linked_to_a_volunteer_is_told_so(scheduling_client, login, committee):
    response = scheduling_client.get(ME, headers=login("volunteer"))
    assert response.status_code == 404
    assert response.json()["type"].endswith("/volunteer-not-linked")


def test_another_committees_volunteer_is_not_found(
    scheduling_client, login, committee, register, world, scheduling_database
):
    ours = register(world.committee, "甲的志愿者")
    theirs = register(world.sibling, "乙的志愿者")
    body = {"channel": "email", "email": "x@example.cn"}
    admin, sibling = login("tenant_admin"), login("sibling_admin")
    for volunteer_id, headers in ((ours, sibling), (theirs, admin), (uuid.uuid4(), admin)):
        for response in (
            scheduling_client.get(of(volunteer_id), headers=headers),
            scheduling_client.put(of(volunteer_id), json=body, headers=headers),
        ):
            assert response.status_code == 404
            assert response.json()["type"].endswith("/volunteer-not-found")
    # the far town's admin cannot read committee A's volunteers either
    assert scheduling_client.get(of(ours), headers=login("other_town_admin")).status_code == 404
    assert contacts(scheduling_database, committee) == 0


@pytest.mark.parametrize(
    "body",
    [
        {"channel": "email"},
        {"channel": "email", "email": None},
        {"channel": "email", "email": "not-an-address"},
        {"channel": "email", "email": "two@@example.cn"},
        {"channel": "email", "email": "with space@example.cn"},
        {"channel": "email", "email": "a@example.cn\r\nBcc: x@y.cn"},
        {"channel": "email", "email": "x" * 250 + "@example.cn"},
        {"channel": "email", "email": 42},
        {"channel": "sms", "email": "a@example.cn"},
        {"channel": "EMAIL", "email": "a@example.cn"},
        {"email": "a@example.cn"},
        {"channel": "email", "email": "a@example.cn", "phone": "13800000000"},
        {},
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    scheduling_client, login, committee, me, scheduling_database, body
):
    for url, headers in ((ME, login("volunteer")), (of(me), login("staff"))):
        response = scheduling_client.put(url, json=body, headers=headers)
        assert response.status_code == 422, (url, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    assert contacts(scheduling_database, committee) == 0
    assert scheduling_client.get(ME, headers=login("volunteer")).json()["channel"] == "none"


def test_a_bad_update_leaves_the_previous_setting(scheduling_client, login, committee, me):
    headers = login("volunteer")
    scheduling_client.put(ME, json={"channel": "email", "email": "keep@example.cn"}, headers=headers)
    assert (
        scheduling_client.put(ME, json={"channel": "email", "email": ""}, headers=headers).status_code == 422
    )
    assert scheduling_client.put(ME, content=b"{not json", headers=headers).status_code == 422
    assert scheduling_client.get(ME, headers=headers).json()["email"] == "keep@example.cn"
