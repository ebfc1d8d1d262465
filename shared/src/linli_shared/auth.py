"""Verifying Linli tokens locally, from the identity service's cached JWKS.

Access tokens are EdDSA-signed JWTs (key id in the header). Claims: `sub` (user id, or `service:<client>`),
`tid` and `tpath` (tenant id and its tree path), `role`, `scope` (space-separated), `jti`, `iss`, `aud`.
The only way a request gets a `TenantContext` is `current_context` below.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any, Protocol

import httpx
import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from linli_shared.problems import Forbidden, Unauthorized
from linli_shared.tenancy import Role, TenantContext, is_valid_path

logger = logging.getLogger(__name__)

ALGORITHMS = ["EdDSA"]
AUDIENCE = "linli"


class KeySource(Protocol):
    def key_for(self, kid: str) -> Any | None: ...


class JwksCache:
    """Public keys fetched from a JWKS URL, cached; an unknown `kid` triggers a (rate-limited) refetch,
    which is how verifiers pick up a rotated key without a restart."""

    def __init__(
        self,
        url: str,
        ttl_seconds: float = 300,
        min_refetch_seconds: float = 5,
        http: httpx.Client | None = None,
    ) -> None:
        self.url = url
        self.http = http or httpx.Client(timeout=5)
        self.ttl = ttl_seconds
        self.min_refetch = min_refetch_seconds
        self._keys: dict[str, Any] = {}
        self._fetched_at = 0.0
        self._lock = threading.Lock()

    def key_for(self, kid: str) -> Any | None:
        now = time.monotonic()
        with self._lock:
            stale = now - self._fetched_at > self.ttl
            unknown = kid not in self._keys and now - self._fetched_at > self.min_refetch
            if stale or unknown:
                self._refresh(now)
            return self._keys.get(kid)

    def _refresh(self, now: float) -> None:
        try:
            response = self.http.get(self.url)
            response.raise_for_status()
            self._keys = jwks_to_keys(response.json())
            self._fetched_at = now
        except (httpx.HTTPError, ValueError):
            logger.warning("could not fetch JWKS; keeping cached keys", extra={"url": self.url})


def jwks_to_keys(jwks: dict[str, Any]) -> dict[str, Any]:
    return {key["kid"]: jwt.PyJWK(key).key for key in jwks.get("keys", []) if "kid" in key}


class TokenVerifier:
    def __init__(
        self,
        keys: KeySource,
        issuer: str,
        audience: str = AUDIENCE,
        is_revoked: Callable[[str], bool] | None = None,
        leeway_seconds: int = 10,
    ) -> None:
        self.keys = keys
        self.issuer = issuer
        self.audience = audience
        self.is_revoked = is_revoked
        self.leeway = leeway_seconds

    def verify(self, token: str) -> TenantContext:
        try:
            header = jwt.get_unverified_header(token)
            key = self.keys.key_for(str(header.get("kid", "")))
            if key is None:
                raise Unauthorized("The token was signed with an unknown key.")
            claims = jwt.decode(
                token,
                key,
                algorithms=ALGORITHMS,
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iat", "sub", "jti", "aud", "iss"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise Unauthorized("The token has expired.") from error
        except jwt.PyJWTError as error:
            raise Unauthorized("The token is not valid.") from error
        if claims.get("typ") != "access":
            raise Unauthorized("Not an access token.")
        if self.is_revoked is not None and self.is_revoked(str(claims["jti"])):
            raise Unauthorized("The token has been revoked.")
        return context_from_claims(claims)


def context_from_claims(claims: dict[str, Any]) -> TenantContext:
    try:
        role = Role(claims["role"])
        path = str(claims["tpath"])
        if not is_valid_path(path):
            raise ValueError(path)
        subject = str(claims["sub"])
        return TenantContext(
            tenant_id=uuid.UUID(claims["tid"]) if claims.get("tid") else None,
            tenant_path=path,
            role=role,
            user_id=None if role is Role.SERVICE else uuid.UUID(subject),
            scopes=frozenset(str(claims.get("scope", "")).split()),
            subject=subject,
            token_id=str(claims["jti"]),
            token_expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC),
        )
    except (KeyError, ValueError, TypeError) as error:
        raise Unauthorized("The token's claims are not valid.") from error


_bearer = HTTPBearer(auto_error=False, description="An access token from the identity service")


def current_context(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> TenantContext:
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise Unauthorized("A bearer token is required.")
    verifier: TokenVerifier = request.app.state.token_verifier
    context = verifier.verify(credentials.credentials)
    request.state.context = context
    return context


CurrentContext = Annotated[TenantContext, Depends(current_context)]


def require_scopes(*scopes: str) -> Callable[[TenantContext], TenantContext]:
    def dependency(context: CurrentContext) -> TenantContext:
        missing = [scope for scope in scopes if not context.has_scope(scope)]
        if missing:
            raise Forbidden("Your role does not allow this.", missing_scopes=missing)
        return context

    return dependency


def require_role(allowed: frozenset[Role]) -> Callable[[TenantContext], TenantContext]:
    """A dependency admitting only the given roles (403 for the others)."""

    def dependency(context: CurrentContext) -> TenantContext:
        if context.role not in allowed:
            raise Forbidden("Your role does not allow this.")
        return context

    return dependency
