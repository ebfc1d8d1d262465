"""Minting tokens: access tokens (EdDSA JWTs), rotating refresh tokens, service tokens; key rotation."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from linli_identity.accounts.models import Membership
from linli_identity.accounts.roles import ROLE_SCOPES
from linli_identity.auth.keys import KeyCipher, new_key_pair, public_key_of, sign
from linli_identity.auth.models import RefreshToken, SigningKey
from linli_identity.auth.repository import AuthRepository
from linli_identity.config import IdentitySettings
from linli_identity.tenants.models import Tenant
from linli_shared.auth import AUDIENCE
from linli_shared.db import Database
from linli_shared.tenancy import ROOT_LABEL, Role


def now() -> datetime:
    return datetime.now(UTC)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TokenIssuer:
    def __init__(self, settings: IdentitySettings) -> None:
        self.settings = settings
        self.cipher = KeyCipher(settings.key_encryption_key)

    def access_token(
        self, repository: AuthRepository, user_id: uuid.UUID, membership: Membership, tenant: Tenant
    ) -> tuple[str, int]:
        role = Role(membership.role)
        claims = self._claims(
            subject=str(user_id),
            ttl=timedelta(minutes=self.settings.access_token_minutes),
            tid=str(tenant.id),
            tpath=tenant.path,
            role=role.value,
            scope=" ".join(sorted(ROLE_SCOPES[role])),
            mid=str(membership.id),
        )
        return self._sign(repository, claims), self.settings.access_token_minutes * 60

    def service_token(self, repository: AuthRepository, client_id: str, scopes: list[str]) -> tuple[str, int]:
        claims = self._claims(
            subject=f"service:{client_id}",
            ttl=timedelta(minutes=self.settings.service_token_minutes),
            tid=None,
            tpath=ROOT_LABEL,
            role=Role.SERVICE.value,
            scope=" ".join(sorted(scopes)),
        )
        return self._sign(repository, claims), self.settings.service_token_minutes * 60

    def refresh_token(
        self, repository: AuthRepository, membership: Membership, family_id: uuid.UUID | None = None
    ) -> str:
        token = secrets.token_urlsafe(32)
        repository.add(
            RefreshToken(
                id=uuid.uuid4(),
                family_id=family_id or uuid.uuid4(),
                token_hash=token_hash(token),
                user_id=membership.user_id,
                tenant_id=membership.tenant_id,
                membership_id=membership.id,
                expires_at=now() + timedelta(days=self.settings.refresh_token_days),
            )
        )
        return token

    def _claims(self, subject: str, ttl: timedelta, **extra: Any) -> dict[str, Any]:
        issued = now()
        return {
            "iss": self.settings.issuer,
            "aud": AUDIENCE,
            "sub": subject,
            "iat": int(issued.timestamp()),
            "nbf": int(issued.timestamp()),
            "exp": int((issued + ttl).timestamp()),
            "jti": uuid.uuid4().hex,
            "typ": "access",
            **extra,
        }

    def _sign(self, repository: AuthRepository, claims: dict[str, Any]) -> str:
        key = self.active_key(repository)
        return sign(claims, key.kid, self.cipher.open(key.kid, key.private_key_encrypted))

    def active_key(self, repository: AuthRepository) -> SigningKey:
        keys = [key for key in repository.signing_keys(now()) if key.retired_at is None]
        if keys:
            return keys[0]
        return self.rotate(repository)

    def rotate(self, repository: AuthRepository) -> SigningKey:
        """A new key signs from now on; the old one stays in the JWKS until its last token has expired."""
        current = now()
        longest = max(self.settings.access_token_minutes, self.settings.service_token_minutes)
        repository.retire_active_keys(current, current + timedelta(minutes=longest + 5))
        kid, pem, jwk = new_key_pair()
        key = SigningKey(kid=kid, private_key_encrypted=self.cipher.seal(kid, pem), public_jwk=jwk)
        repository.add(key)
        return key

    def jwks(self, repository: AuthRepository) -> dict[str, list[dict[str, str]]]:
        return {"keys": [dict(key.public_jwk) for key in repository.signing_keys(now())]}


class DatabaseKeySource:
    """The identity service verifies its own tokens from its key table, cached briefly."""

    def __init__(self, database: Database, ttl_seconds: float = 30) -> None:
        self.database = database
        self.ttl = ttl_seconds
        self._keys: dict[str, Any] = {}
        self._loaded_at = 0.0
        self._lock = threading.Lock()

    def key_for(self, kid: str) -> Any | None:
        with self._lock:
            if kid not in self._keys or time.monotonic() - self._loaded_at > self.ttl:
                with self.database.transaction() as session:
                    keys = AuthRepository(session).signing_keys(now())
                    self._keys = {key.kid: public_key_of(key.public_jwk) for key in keys}
                self._loaded_at = time.monotonic()
            return self._keys.get(kid)
