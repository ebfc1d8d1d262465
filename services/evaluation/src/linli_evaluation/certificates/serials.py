"""Serial numbers and verification codes.

A serial names the issuing committee by its short name (slug, unique on the whole platform), the year and a
number counted per committee and year: `ZYFW-XIMEN-2026-000123` (志愿服务). So serials never collide
between committees, and one committee's are gap-free and in issue order.

The verification code is an HMAC-SHA256 of the serial, truncated to 12 base32 characters (60 bits): it is
printed beside the QR code and the public check asks for it, so knowing or guessing a serial is not enough
to learn anything about the certificate — or whether it exists. Nothing about it needs storing to verify,
but it is stored too, so the database itself can refuse to show a row to anyone who did not present it."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

SERIAL_PREFIX = "ZYFW"
#: the signing key also signs residents' feedback links: this prefix keeps one from passing as the other
PURPOSE = b"linli.certificate\x00"
CODE_LENGTH = 12
SERIAL = re.compile(r"^ZYFW-[A-Z0-9][A-Z0-9-]{0,62}-\d{4}-\d{6,9}$")
CODE = re.compile(r"^[A-Z2-7]{12}$")


def format_serial(slug: str, year: int, sequence: int) -> str:
    return f"{SERIAL_PREFIX}-{slug.upper()}-{year:04d}-{sequence:06d}"


class CodeSigner:
    def __init__(self, key: bytes) -> None:
        self.key = key

    def code(self, serial: str) -> str:
        mac = hmac.new(self.key, PURPOSE + serial.encode("ascii"), hashlib.sha256).digest()
        return base64.b32encode(mac).decode("ascii")[:CODE_LENGTH]

    def matches(self, serial: str, presented: str) -> bool:
        """Whether `presented` is this serial's code; anything malformed simply does not match."""
        if not SERIAL.match(serial) or not CODE.match(presented):
            return False
        return hmac.compare_digest(self.code(serial), presented)


def normalise_code(presented: str) -> str:
    """Codes are typed from paper too: case and surrounding spaces do not matter."""
    return presented.strip().upper()
