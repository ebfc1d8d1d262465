"""Residents' feedback links, the stamp on each rendered form, and the keyed hash of a client's address.

A resident has no login: the link is the credential. It is a compact token `<payload>.<signature>`, both
base64url; the payload is JSON naming the committee (its id and its path in the tree), the service record and
when the link stops working; the signature is HMAC-SHA256 under a key derived from the service's signing key
for this purpose alone — certificates and the form stamps below are signed with the same key, and none of
them may pass as another. Nothing is stored per link: staff can print the same record's link twice and get
the same token, and rotating the signing key withdraws every link at once.

The token binds the committee: the public routes act as that committee's own service and look the record up
there, so a link for committee A's record, re-signed by nobody, cannot reach committee B's data. A link also
stops working if its committee moves in the tree (its path changes); staff print a fresh one then.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from linli_evaluation.feedback.exceptions import FeedbackLinkExpired, FeedbackLinkInvalid
from linli_shared.clock import SHANGHAI
from linli_shared.tenancy import is_valid_path, path_label

LINK_PURPOSE = b"linli.evaluation.feedback-link.v1\x00"
FORM_STAMP_PURPOSE = b"linli.evaluation.feedback-form.v1\x00"
CLIENT_PURPOSE = b"linli.evaluation.feedback-client.v1\x00"
#: a real link is about 330 characters (a district → town → committee path); much longer is not ours
MAX_TOKEN_LENGTH = 600
MAX_STAMP_LENGTH = 80
_PAYLOAD_KEYS = {"t", "p", "r", "e"}


@dataclass(frozen=True)
class FeedbackClaims:
    tenant_id: uuid.UUID
    tenant_path: str
    record_id: uuid.UUID
    expires_at: datetime


def link_expiry(service_date: date, days: int) -> datetime:
    """A link works through the whole `days`-th day (Asia/Shanghai) after the service: a resident served on
    the 7th with 30 days may still rate at 23:59 on the 6th of next month (Shanghai time)."""
    return datetime.combine(service_date + timedelta(days=days + 1), time(0), tzinfo=SHANGHAI)


class FeedbackSigner:
    def __init__(self, signing_key: bytes) -> None:
        # one derived key per purpose: a MAC made for one kind of token is never valid for another
        self._link_key = hmac.new(signing_key, LINK_PURPOSE, hashlib.sha256).digest()
        self._stamp_key = hmac.new(signing_key, FORM_STAMP_PURPOSE, hashlib.sha256).digest()
        self._client_key = hmac.new(signing_key, CLIENT_PURPOSE, hashlib.sha256).digest()

    # links ---------------------------------------------------------------------------------------------

    def link(self, claims: FeedbackClaims) -> str:
        payload = _encode(
            json.dumps(
                {
                    "t": claims.tenant_id.hex,
                    "p": claims.tenant_path,
                    "r": claims.record_id.hex,
                    "e": int(claims.expires_at.timestamp()),
                },
                separators=(",", ":"),
            ).encode()
        )
        return f"{payload}.{_encode(self._mac(self._link_key, payload.encode('ascii')))}"

    def verify(self, token: str, now: datetime) -> FeedbackClaims:
        """The claims of a link we signed that is still valid at `now`."""
        claims = self.authentic(token)
        if now >= claims.expires_at:
            raise FeedbackLinkExpired()
        return claims

    def authentic(self, token: str) -> FeedbackClaims:
        """The claims of a link we signed, valid or expired."""
        if len(token) > MAX_TOKEN_LENGTH or not token.isascii() or token.count(".") != 1:
            raise FeedbackLinkInvalid()
        payload, signature = token.split(".")
        presented = _decode(signature)
        if presented is None or not hmac.compare_digest(
            presented, self._mac(self._link_key, payload.encode("ascii"))
        ):
            raise FeedbackLinkInvalid()
        return _parse(payload)

    # form stamps ---------------------------------------------------------------------------------------

    def stamp(self, record_id: uuid.UUID, rendered_at: datetime) -> str:
        """When the form for this record was rendered, signed: a submission that comes back sooner than a
        person could read the page and tap a star is a script's."""
        millis = str(int(rendered_at.timestamp() * 1000))
        return f"{millis}.{_encode(self._stamp_mac(record_id, millis))}"

    def rendered_at(self, stamp: str, record_id: uuid.UUID) -> datetime | None:
        """The render time a stamp we issued for this record carries; None for anything else."""
        if len(stamp) > MAX_STAMP_LENGTH or not stamp.isascii() or stamp.count(".") != 1:
            return None
        millis, signature = stamp.split(".")
        presented = _decode(signature)
        if not (millis.isdigit() and len(millis) <= 15) or presented is None:
            return None
        if not hmac.compare_digest(presented, self._stamp_mac(record_id, millis)):
            return None
        return datetime.fromtimestamp(int(millis) / 1000, SHANGHAI)

    def _stamp_mac(self, record_id: uuid.UUID, millis: str) -> bytes:
        return self._mac(self._stamp_key, record_id.bytes + millis.encode("ascii"))

    # clients -------------------------------------------------------------------------------------------

    def client_hash(self, address: str) -> str:
        """A keyed hash of a client's address: enough to count one address's ratings, never the address (an
        unkeyed hash of an IPv4 address is reversed by trying all 2³² of them)."""
        return hmac.new(self._client_key, address.encode("utf-8"), hashlib.sha256).hexdigest()

    @staticmethod
    def _mac(key: bytes, message: bytes) -> bytes:
        return hmac.new(key, message, hashlib.sha256).digest()


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _decode(text: str) -> bytes | None:
    if not text:
        return None
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        return None


def _parse(payload: str) -> FeedbackClaims:
    """Only a payload we signed reaches here, but it is still parsed strictly: a key leaked from an old
    deployment must not become a way to crash the service or to act outside one committee."""
    raw = _decode(payload)
    if raw is None:
        raise FeedbackLinkInvalid()
    try:
        fields = json.loads(raw)
        if not isinstance(fields, dict) or set(fields) != _PAYLOAD_KEYS:
            raise ValueError("unexpected fields")
        tenant_hex, path, record_hex, expires = fields["t"], fields["p"], fields["r"], fields["e"]
        if not (isinstance(tenant_hex, str) and isinstance(path, str) and isinstance(record_hex, str)):
            raise ValueError("unexpected types")
        if not isinstance(expires, int) or isinstance(expires, bool):
            raise ValueError("unexpected expiry")
        tenant_id, record_id = uuid.UUID(hex=tenant_hex), uuid.UUID(hex=record_hex)
        # the committee acted as is the last node of the path it names: never a town or district context
        if not is_valid_path(path) or not path.endswith("." + path_label(tenant_id)):
            raise ValueError("path does not end at the tenant")
        return FeedbackClaims(
            tenant_id=tenant_id,
            tenant_path=path,
            record_id=record_id,
            expires_at=datetime.fromtimestamp(expires, SHANGHAI),
        )
    except (ValueError, TypeError, OverflowError, OSError, UnicodeDecodeError) as error:
        raise FeedbackLinkInvalid() from error
