"""The site's rotating check-in code, shown as a QR code by the shift leader or staff.

A code is a compact signed token, `<payload>.<signature>` (both base64url): the payload names the tenant,
the shift, the code id and its validity; the signature is HMAC-SHA256 under a key derived from the
service's signing key for this purpose alone (the same key also signs calendar-feed links, which must
never pass as check-in codes, nor the other way round).

Codes rotate: time is cut into windows of `rotation_seconds`, and everyone asking for a shift's code in
the same window gets the same code, so the code id is the shift's window — a photo of the QR sent to a
friend at home is good only until the window and its grace have passed, and each code checks a
volunteer in (and out) once."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from linli_scheduling.attendance.exceptions import CheckInCodeExpired, CheckInCodeInvalid

#: separates this purpose's key from every other use of the signing key
PURPOSE = b"linli.scheduling.check-in-code.v1"
#: a real code is about 250 characters; anything much longer is not one of ours
MAX_CODE_LENGTH = 512


@dataclass(frozen=True)
class CheckInCode:
    tenant_id: uuid.UUID
    shift_id: uuid.UUID
    #: the shift's rotation window: what a volunteer may use once per action
    code_id: str
    issued_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class CheckInCodeSigner:
    signing_key: bytes
    rotation_seconds: int
    grace_seconds: int

    def issue(self, tenant_id: uuid.UUID, shift_id: uuid.UUID, now: datetime) -> tuple[str, CheckInCode]:
        """The code of the current window (the same for every caller within it)."""
        window = int(now.timestamp()) // self.rotation_seconds
        issued = window * self.rotation_seconds
        code = CheckInCode(
            tenant_id=tenant_id,
            shift_id=shift_id,
            code_id=_code_id(shift_id, self.rotation_seconds, window),
            issued_at=datetime.fromtimestamp(issued, UTC),
            expires_at=datetime.fromtimestamp(issued + self.rotation_seconds + self.grace_seconds, UTC),
        )
        payload = _encode(
            json.dumps(
                {
                    "t": code.tenant_id.hex,
                    "s": code.shift_id.hex,
                    "c": code.code_id,
                    "i": issued,
                    "e": issued + self.rotation_seconds + self.grace_seconds,
                },
                separators=(",", ":"),
            ).encode()
        )
        return f"{payload}.{_encode(self._sign(payload))}", code

    def next_rotation(self, now: datetime) -> datetime:
        """When the next window's code replaces the current one."""
        window = int(now.timestamp()) // self.rotation_seconds
        return datetime.fromtimestamp((window + 1) * self.rotation_seconds, UTC)

    def verify(self, token: str, now: datetime) -> CheckInCode:
        """The code a token carries, if we signed it and it is still valid at `now`."""
        if len(token) > MAX_CODE_LENGTH or not token.isascii() or token.count(".") != 1:
            raise CheckInCodeInvalid()
        payload, signature = token.split(".")
        try:
            presented = _decode(signature)
        except (ValueError, binascii.Error) as error:
            raise CheckInCodeInvalid() from error
        if not hmac.compare_digest(presented, self._sign(payload)):
            raise CheckInCodeInvalid()
        code = _parse(payload)
        # a code from a later window than now was not issued by this clock: refuse it rather than honour it
        if now < code.issued_at - timedelta(seconds=self.grace_seconds):
            raise CheckInCodeInvalid()
        if now >= code.expires_at:
            raise CheckInCodeExpired()
        return code

    def _sign(self, payload: str) -> bytes:
        key = hmac.new(self.signing_key, PURPOSE, hashlib.sha256).digest()
        return hmac.new(key, payload.encode("ascii"), hashlib.sha256).digest()


def _code_id(shift_id: uuid.UUID, rotation_seconds: int, window: int) -> str:
    return hashlib.sha256(f"{shift_id}:{rotation_seconds}:{window}".encode()).hexdigest()[:32]


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _decode(text: str) -> bytes:
    if not text.isascii():
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _parse(payload: str) -> CheckInCode:
    """Only a payload we signed reaches here, but it is still parsed strictly: a key leaked from an old
    deployment should not become a way to crash the service."""
    try:
        fields = json.loads(_decode(payload))
        if not isinstance(fields, dict) or set(fields) != {"t", "s", "c", "i", "e"}:
            raise ValueError("unexpected fields")
        issued, expires = fields["i"], fields["e"]
        code_id = fields["c"]
        if not (isinstance(issued, int) and isinstance(expires, int) and isinstance(code_id, str)):
            raise ValueError("unexpected types")
        if not 0 < len(code_id) <= 64:
            raise ValueError("code id length")
        return CheckInCode(
            tenant_id=uuid.UUID(hex=fields["t"]),
            shift_id=uuid.UUID(hex=fields["s"]),
            code_id=code_id,
            issued_at=datetime.fromtimestamp(issued, UTC),
            expires_at=datetime.fromtimestamp(expires, UTC),
        )
    except (ValueError, TypeError, AttributeError, OverflowError, OSError, binascii.Error) as error:
        raise CheckInCodeInvalid() from error
