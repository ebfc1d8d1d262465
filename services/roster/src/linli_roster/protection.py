"""Personal data protection: ID numbers encrypted at rest with a rotatable key ring; masking for display."""

from __future__ import annotations

import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM


class IdNumberCipher:
    """AES-GCM; each ciphertext starts with its key id, so old keys keep decrypting after a rotation."""

    def __init__(self, key_ring: str) -> None:
        entries = [entry.split(":", 1) for entry in key_ring.split(",") if entry]
        self._keys = {kid: AESGCM(bytes.fromhex(key)) for kid, key in entries}
        self.current = entries[0][0]

    def seal(self, plaintext: str, tenant_id: str) -> bytes:
        nonce = os.urandom(12)
        # the tenant is bound as associated data: a ciphertext copied to another committee will not open
        sealed = self._keys[self.current].encrypt(nonce, plaintext.encode(), tenant_id.encode())
        return self.current.encode() + b":" + nonce + sealed

    def open(self, sealed: bytes, tenant_id: str) -> str:
        kid, _, rest = sealed.partition(b":")
        return self._keys[kid.decode()].decrypt(rest[:12], rest[12:], tenant_id.encode()).decode()

    def key_of(self, sealed: bytes) -> str:
        return sealed.partition(b":")[0].decode()


def mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"


def mask_id_number(hint: str | None) -> str | None:
    return None if hint is None else "*" * 14 + hint
