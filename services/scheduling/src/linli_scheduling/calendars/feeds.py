"""Calendar-feed links: a volunteer's calendar app fetches their sign-ups without a login, so the link
itself is the credential — an HMAC-SHA256-signed statement of whose feed it is.

The token carries the committee's place in the tree (its path, as node ids; the committee is the last),
the volunteer and the login the link was handed to. Nothing is stored: a forged or altered token fails
the signature; a link stops working when the volunteer exits, when their login is unlinked or replaced,
when the committee moves in the tree, or for everyone when the signing key is rotated."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import uuid
from dataclasses import dataclass

from linli_shared.tenancy import ROOT_LABEL, path_label

#: the signing key also signs check-in codes: this prefix keeps one kind of token from passing as the other
PURPOSE = b"linli.calendar-feed\x00"
FORMAT_VERSION = 1
ID_OCTETS = 16
MAC_OCTETS = 32


@dataclass(frozen=True)
class FeedClaims:
    tenant_path: str
    volunteer_id: uuid.UUID
    user_id: uuid.UUID

    @property
    def tenant_id(self) -> uuid.UUID:
        return uuid.UUID(self.tenant_path.rsplit(".", 1)[-1].removeprefix("t"))


class FeedSigner:
    def __init__(self, key: bytes) -> None:
        self.key = key

    def sign(self, claims: FeedClaims) -> str:
        nodes = [uuid.UUID(label.removeprefix("t")) for label in claims.tenant_path.split(".")[1:]]
        payload = bytes([FORMAT_VERSION]) + b"".join(
            identifier.bytes for identifier in (claims.user_id, claims.volunteer_id, *nodes)
        )
        return f"{_encode(payload)}.{_encode(self._mac(payload))}"

    def verify(self, token: str) -> FeedClaims | None:
        """The claims of an authentic token; None for anything forged, altered or malformed."""
        encoded_payload, _, encoded_mac = token.partition(".")
        payload, mac = _decode(encoded_payload), _decode(encoded_mac)
        if payload is None or mac is None or not hmac.compare_digest(mac, self._mac(payload)):
            return None
        version, ids = payload[:1], payload[1:]
        if version != bytes([FORMAT_VERSION]) or len(ids) % ID_OCTETS or len(ids) < 3 * ID_OCTETS:
            return None
        user_id, volunteer_id, *nodes = (
            uuid.UUID(bytes=ids[start : start + ID_OCTETS]) for start in range(0, len(ids), ID_OCTETS)
        )
        path = ".".join([ROOT_LABEL, *(path_label(node) for node in nodes)])
        return FeedClaims(tenant_path=path, volunteer_id=volunteer_id, user_id=user_id)

    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self.key, PURPOSE + payload, hashlib.sha256).digest()


def _encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _decode(text: str) -> bytes | None:
    if not text or not text.isascii():
        return None
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        return None
