"""The signed pieces of the resident's flow, without a database: the link, the form stamp, the client hash,
and how the volunteer is named to the resident."""

import base64
import hashlib
import json
import uuid
from datetime import date, datetime

import pytest

from linli_evaluation.feedback.exceptions import FeedbackLinkExpired, FeedbackLinkInvalid
from linli_evaluation.feedback.links import FeedbackClaims, FeedbackSigner, link_expiry
from linli_evaluation.feedback.service import public_name
from linli_shared.clock import SHANGHAI
from linli_shared.tenancy import child_path

pytestmark = pytest.mark.unit

KEY = b"k" * 40
DISTRICT, TOWN, COMMITTEE = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
PATH = child_path(child_path(child_path("linli", DISTRICT), TOWN), COMMITTEE)
NOW = datetime(2026, 11, 10, 10, 0, tzinfo=SHANGHAI)


def claims(**changes) -> FeedbackClaims:
    values = {
        "tenant_id": COMMITTEE,
        "tenant_path": PATH,
        "record_id": uuid.uuid4(),
        "expires_at": link_expiry(date(2026, 11, 7), 30),
    }
    return FeedbackClaims(**{**values, **changes})


def resign(signer: FeedbackSigner, fields: dict) -> str:
    """A payload of our own making with a valid signature: what a leaked key could produce."""
    payload = base64.urlsafe_b64encode(json.dumps(fields).encode()).rstrip(b"=").decode()
    mac = signer._mac(signer._link_key, payload.encode())
    return f"{payload}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"


def test_a_link_round_trips_and_stays_compact():
    signer = FeedbackSigner(KEY)
    issued = claims()
    token = signer.link(issued)
    assert signer.verify(token, NOW) == issued
    assert signer.link(issued) == token  # printed twice, the same link
    assert len(token) < 400
    assert token.isascii()
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")


def test_a_link_expires_at_the_end_of_its_last_day_in_shanghai():
    assert link_expiry(date(2026, 11, 7), 30) == datetime(2026, 12, 8, tzinfo=SHANGHAI)
    signer = FeedbackSigner(KEY)
    token = signer.link(claims())
    assert signer.verify(token, datetime(2026, 12, 7, 23, 59, 59, tzinfo=SHANGHAI))
    with pytest.raises(FeedbackLinkExpired):
        signer.verify(token, datetime(2026, 12, 8, tzinfo=SHANGHAI))
    # an expired link is still recognised as ours (told apart from a forged one)
    assert signer.authentic(token).tenant_id == COMMITTEE


def test_a_link_signed_with_another_key_or_for_another_purpose_is_refused():
    token = FeedbackSigner(KEY).link(claims())
    with pytest.raises(FeedbackLinkInvalid):
        FeedbackSigner(b"z" * 40).verify(token, NOW)
    signer = FeedbackSigner(KEY)
    # the same key signs form stamps: a stamp's MAC never passes as a link's
    payload = token.split(".")[0]
    stamp_mac = (
        base64.urlsafe_b64encode(signer._mac(signer._stamp_key, payload.encode())).rstrip(b"=").decode()
    )
    with pytest.raises(FeedbackLinkInvalid):
        signer.verify(f"{payload}.{stamp_mac}", NOW)
    plain_mac = base64.urlsafe_b64encode(signer._mac(KEY, payload.encode())).rstrip(b"=").decode()
    with pytest.raises(FeedbackLinkInvalid):
        signer.verify(f"{payload}.{plain_mac}", NOW)


@pytest.mark.parametrize(
    "fields",
    [
        {"t": COMMITTEE.hex, "p": PATH, "r": uuid.uuid4().hex},
        {"t": COMMITTEE.hex, "p": PATH, "r": uuid.uuid4().hex, "e": 1_900_000_000, "x": 1},
        {"t": COMMITTEE.hex, "p": PATH, "r": uuid.uuid4().hex, "e": "1900000000"},
        {"t": COMMITTEE.hex, "p": PATH, "r": uuid.uuid4().hex, "e": True},
        {"t": COMMITTEE.hex, "p": PATH, "r": "not-hex", "e": 1_900_000_000},
        {"t": COMMITTEE.hex, "p": "linli", "r": uuid.uuid4().hex, "e": 1_900_000_000},
        {"t": TOWN.hex, "p": PATH, "r": uuid.uuid4().hex, "e": 1_900_000_000},
        {"t": COMMITTEE.hex, "p": PATH + ".x", "r": uuid.uuid4().hex, "e": 1_900_000_000},
        {"t": COMMITTEE.hex, "p": PATH, "r": uuid.uuid4().hex, "e": 10**30},
        ["not", "an", "object"],
    ],
)
def test_a_signed_but_malformed_payload_is_still_refused(fields):
    """Only a payload we signed is parsed, and even then strictly: the committee acted as must be the last
    node of the path, a town or district never."""
    signer = FeedbackSigner(KEY)
    with pytest.raises(FeedbackLinkInvalid):
        signer.verify(resign(signer, fields), NOW)


def test_a_form_stamp_is_bound_to_its_record_and_key():
    signer = FeedbackSigner(KEY)
    record_id = uuid.uuid4()
    stamp = signer.stamp(record_id, NOW)
    assert signer.rendered_at(stamp, record_id) == NOW
    assert signer.rendered_at(stamp, uuid.uuid4()) is None
    assert FeedbackSigner(b"z" * 40).rendered_at(stamp, record_id) is None
    millis, mac = stamp.split(".")
    assert signer.rendered_at(f"{int(millis) - 60_000}.{mac}", record_id) is None  # moved back in time
    for broken in ("", ".", millis, f"{millis}.", f"-1.{mac}", f"{millis}.{mac}.{mac}", "é.é", "9" * 90):
        assert signer.rendered_at(broken, record_id) is None


def test_the_client_hash_is_keyed_and_never_the_address():
    signer = FeedbackSigner(KEY)
    hashed = signer.client_hash("198.51.100.10")
    assert len(hashed) == 64
    assert hashed == signer.client_hash("198.51.100.10")
    assert hashed != signer.client_hash("198.51.100.11")
    assert hashed != FeedbackSigner(b"z" * 40).client_hash("198.51.100.10")
    assert hashed != hashlib.sha256(b"198.51.100.10").hexdigest()


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("王阿姨", "王志愿者"),
        ("张伟", "张志愿者"),
        ("欧阳娜娜", "欧阳志愿者"),
        ("司马", "司志愿者"),
        ("志愿者", "志愿者"),
        ("", "志愿者"),
        ("  李  ", "李志愿者"),
        ("Anna Smith", "志愿者 S."),
        ("bob", "志愿者 B."),
        ("123", "志愿者"),
    ],
)
def test_the_resident_sees_the_surname_only(name, shown):
    assert public_name(name) == shown
