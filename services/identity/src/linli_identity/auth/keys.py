"""Ed25519 signing keys: generated, encrypted at rest, rotated, published as a JWKS."""

from __future__ import annotations

import base64
import os
import secrets
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM


class KeyCipher:
    """AES-GCM with the key from settings; the kid is bound as associated data."""

    def __init__(self, hex_key: str) -> None:
        key = bytes.fromhex(hex_key)
        if len(key) != 32:
            raise ValueError("key_encryption_key must be 32 bytes of hex")
        self._aead = AESGCM(key)

    def seal(self, kid: str, plaintext: bytes) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, plaintext, kid.encode())

    def open(self, kid: str, sealed: bytes) -> bytes:
        return self._aead.decrypt(sealed[:12], sealed[12:], kid.encode())


def new_key_pair() -> tuple[str, bytes, dict[str, str]]:
    """A fresh kid, the private key as PKCS#8 PEM, and the public JWK."""
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public_raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    kid = secrets.token_hex(8)
    jwk = {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": base64.urlsafe_b64encode(public_raw).rstrip(b"=").decode(),
        "kid": kid,
        "alg": "EdDSA",
        "use": "sig",
    }
    return kid, pem, jwk


def sign(claims: dict[str, Any], kid: str, private_pem: bytes) -> str:
    return jwt.encode(claims, private_pem, algorithm="EdDSA", headers={"kid": kid})


def public_key_of(jwk: dict[str, str]) -> Any:
    return jwt.PyJWK(dict(jwk)).key
