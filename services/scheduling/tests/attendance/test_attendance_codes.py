"""The site's rotating check-in code: signed, short-lived, the same for everyone within a window, and shown
only to staff and the shift's leader while check-in is open."""

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from linli_scheduling.attendance.codes import CheckInCodeSigner
from linli_scheduling.attendance.exceptions import CheckInCodeExpired, CheckInCodeInvalid

KEY = b"k" * 32
NOON = datetime(2026, 3, 10, 4, 0, 10, tzinfo=UTC)


def make_signer(key: bytes = KEY) -> CheckInCodeSigner:
    return CheckInCodeSigner(signing_key=key, rotation_seconds=60, grace_seconds=30)


def test_a_code_verifies_within_its_window_and_grace():
    signer = make_signer()
    tenant, shift = uuid.uuid4(), uuid.uuid4()
    token, code = signer.issue(tenant, shift, NOON)
    assert code.issued_at == datetime(2026, 3, 10, 4, 0, 0, tzinfo=UTC)
    assert code.expires_at == code.issued_at + timedelta(seconds=90)
    assert signer.next_rotation(NOON) == code.issued_at + timedelta(seconds=60)
    for moment in (NOON, NOON + timedelta(seconds=79)):
        assert signer.verify(token, moment) == code
    with pytest.raises(CheckInCodeExpired):
        signer.verify(token, NOON + timedelta(seconds=80))


def test_everyone_in_a_window_gets_the_same_code_and_the_next_window_a_new_one():
    signer = make_signer()
    tenant, shift = uuid.uuid4(), uuid.uuid4()
    first, code = signer.issue(tenant, shift, NOON)
    again, same = signer.issue(tenant, shift, NOON + timedelta(seconds=40))
    later, other = signer.issue(tenant, shift, NOON + timedelta(seconds=60))
    assert first == again
    assert code.code_id == same.code_id
    assert later != first
    assert other.code_id != code.code_id
    assert signer.issue(tenant, uuid.uuid4(), NOON)[1].code_id != code.code_id


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda token: token[:-2] + ("AA" if token[-2:] != "AA" else "BB"), id="signature"),
        pytest.param(lambda token: "x" + token, id="payload"),
        pytest.param(lambda token: token.split(".")[0], id="unsigned"),
        pytest.param(lambda token: token + ".extra", id="three-parts"),
        pytest.param(lambda token: "", id="empty"),
        pytest.param(lambda token: "é." + token.split(".")[1], id="not-ascii"),
        pytest.param(lambda token: token.split(".")[0] + ".!!!", id="bad-base64"),
        pytest.param(lambda token: token + "A" * 600, id="too-long"),
    ],
)
def test_a_tampered_code_is_invalid(forge):
    token, _ = make_signer().issue(uuid.uuid4(), uuid.uuid4(), NOON)
    with pytest.raises(CheckInCodeInvalid):
        make_signer().verify(forge(token), NOON)


def test_a_code_signed_with_another_key_or_extended_by_hand_is_invalid():
    tenant, shift = uuid.uuid4(), uuid.uuid4()
    foreign, _ = make_signer(b"z" * 32).issue(tenant, shift, NOON)
    with pytest.raises(CheckInCodeInvalid):
        make_signer().verify(foreign, NOON)
    token, _ = make_signer().issue(tenant, shift, NOON)
    payload, signature = token.split(".")
    fields = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    fields["e"] += 86400
    stretched = base64.urlsafe_b64encode(json.dumps(fields).encode()).rstrip(b"=").decode()
    with pytest.raises(CheckInCodeInvalid):
        make_signer().verify(f"{stretched}.{signature}", NOON + timedelta(hours=1))


def test_a_code_from_a_later_window_is_refused():
    token, _ = make_signer().issue(uuid.uuid4(), uuid.uuid4(), NOON + timedelta(minutes=10))
    with pytest.raises(CheckInCodeInvalid):
        make_signer().verify(token, NOON)


# the endpoint --------------------------------------------------------------------------------------------


def code_of(scheduling_client, shift_id, headers):
    return scheduling_client.get(f"/v1/shifts/{shift_id}/check-in-code", headers=headers)


def test_staff_see_the_code_while_check_in_is_open(
    scheduling_client, committee, plan, login, clock, local, signer, world
):
    shift_id = plan(world.committee, local(9, 0), minutes=130)
    staff = login("staff")
    clock.at = local(
        8,
        30,
    ) + timedelta(seconds=5)
    response = code_of(scheduling_client, shift_id, staff)
    assert response.status_code == 200, response.text
    body = response.json()
    code = signer.verify(body["code"], clock.at)
    assert (code.tenant_id, code.shift_id) == (world.committee.id, shift_id)
    assert datetime.fromisoformat(body["expires_at"]) == code.expires_at
    assert body["refresh_after_seconds"] == 55
    assert body["check_in_url"].endswith(f"/check-in?code={body['code']}")
    # a little after the end, for those checking out on the way home
    clock.at = local(11, 25)
    assert code_of(scheduling_client, shift_id, login("tenant_admin")).status_code == 200


@pytest.mark.parametrize("moment", [(8, 29), (11, 26)])
def test_no_code_before_check_in_opens_or_after_the_shift(
    scheduling_client, committee, plan, login, clock, local, world, moment
):
    shift_id = plan(world.committee, local(9, 0), minutes=130)
    clock.at = local(*moment)
    response = code_of(scheduling_client, shift_id, login("staff"))
    assert response.status_code == 409
    assert response.json()["type"].endswith("/check-in-not-open")


def test_no_code_for_a_cancelled_or_closed_shift(
    scheduling_client, committee, plan, login, clock, local, world
):
    cancelled = plan(world.committee, local(9, 0), status="cancelled")
    closed = plan(world.committee, local(9, 0), closed_at=local(9, 0))
    clock.at = local(9, 30)
    for shift_id in (cancelled, closed):
        response = code_of(scheduling_client, shift_id, login("staff"))
        assert response.status_code == 409
        assert response.json()["type"].endswith("/shift-not-open")


def test_the_leading_volunteer_sees_the_code_other_volunteers_and_readers_do_not(
    scheduling_client, committee, plan, login, clock, local, world, me, register
):
    someone = register(world.committee, "李师傅")
    led_by_me = plan(world.committee, local(9, 0), leader_volunteer_id=me)
    activity_led_by_me = plan(world.committee, local(9, 0), lead_volunteer_id=me)
    led_by_someone = plan(world.committee, local(9, 0), leader_volunteer_id=someone)
    # the shift's own leader outranks the activity's lead
    overridden = plan(world.committee, local(9, 0), lead_volunteer_id=me, leader_volunteer_id=someone)
    clock.at = local(9, 0)
    volunteer = login("volunteer")
    assert code_of(scheduling_client, led_by_me, volunteer).status_code == 200
    assert code_of(scheduling_client, activity_led_by_me, volunteer).status_code == 200
    for shift_id in (led_by_someone, overridden):
        response = code_of(scheduling_client, shift_id, volunteer)
        assert response.status_code == 403
        assert response.json()["type"].endswith("/not-shift-leader")
    for reader in ("auditor", "town_admin"):
        assert code_of(scheduling_client, led_by_me, login(reader)).status_code == 403


def test_another_committees_shift_is_not_found(
    scheduling_client, committee, plan, login, clock, local, world
):
    theirs = plan(world.sibling, local(9, 0))
    clock.at = local(9, 0)
    for who in ("staff", "tenant_admin"):
        response = code_of(scheduling_client, theirs, login(who))
        assert response.status_code == 404
        assert response.json()["type"].endswith("/shift-not-found")
    assert code_of(scheduling_client, uuid.uuid4(), login("staff")).status_code == 404
    assert code_of(scheduling_client, "not-a-uuid", login("staff")).status_code == 422
    assert code_of(scheduling_client, theirs, {}).status_code == 401
