"""The roster's calls to the identity service, with a cached client-credentials token.

Takes an `httpx.Client` whose base URL is the identity service (tests pass the in-process identity
`TestClient`, itself an `httpx.Client`); every failure becomes a 502 problem saying what went wrong."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from linli_roster.config import RosterSettings
from linli_roster.logins.exceptions import IdentityUnavailable

TOKEN_PATH = "/v1/oauth/token"
VOLUNTEER_INVITATIONS_PATH = "/v1/service/tenants/{tenant_id}/volunteer-invitations"
SCOPE = "invitations:volunteer"
#: a cached token is replaced this long before it expires (or halfway through a very short life)
EXPIRY_MARGIN_SECONDS = 60.0


@dataclass(frozen=True)
class IssuedInvitation:
    url: str
    token: str
    expires_at: datetime


class IdentityClient:
    def __init__(
        self,
        http: httpx.Client,
        client_id: str,
        client_secret: str,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.http = http
        self.client_id = client_id
        self.client_secret = client_secret
        self.clock = clock
        self._token: str | None = None
        self._valid_until = 0.0
        self._lock = threading.Lock()

    def invite_volunteer(
        self,
        tenant_id: uuid.UUID,
        display_name: str,
        phone: str,
        external_ref: str,
    ) -> IssuedInvitation:
        path = VOLUNTEER_INVITATIONS_PATH.format(tenant_id=tenant_id)
        body = {"display_name": display_name, "phone": phone, "external_ref": external_ref}
        response = self._post(path, json=body, headers=self._auth())
        if response.status_code == 401:
            # the token was revoked or a key rotated under it: one fresh token, one more try
            self.forget_token()
            response = self._post(path, json=body, headers=self._auth())
        data = self._json(response, 201, "the invitation")
        try:
            return IssuedInvitation(
                url=str(data["url"]),
                token=str(data["token"]),
                expires_at=datetime.fromisoformat(str(data["expires_at"])),
            )
        except (KeyError, ValueError) as error:
            raise IdentityUnavailable(
                "The identity service answered with an unexpected invitation."
            ) from error

    def forget_token(self) -> None:
        with self._lock:
            self._token, self._valid_until = None, 0.0

    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._service_token()}"}

    def _service_token(self) -> str:
        with self._lock:
            now = self.clock()
            if self._token is not None and now < self._valid_until:
                return self._token
            form = {
                "grant_type": "client_credentials",
                "client_id": self.client_id,
                "client_secret": self.client_secret,
            }
            data = self._json(self._post(TOKEN_PATH, data=form), 200, "a service token")
            try:
                token, lifetime = str(data["access_token"]), float(data["expires_in"])
            except (KeyError, ValueError, TypeError) as error:
                raise IdentityUnavailable(
                    "The identity service answered with an unexpected token."
                ) from error
            self._token = token
            self._valid_until = now + max(lifetime - EXPIRY_MARGIN_SECONDS, lifetime / 2)
            return token

    def _post(self, path: str, **kwargs: Any) -> httpx.Response:
        try:
            return self.http.post(path, **kwargs)
        except httpx.HTTPError as error:
            raise IdentityUnavailable(
                f"The identity service could not be reached: {type(error).__name__}."
            ) from error

    @staticmethod
    def _json(response: httpx.Response, expected: int, what: str) -> dict[str, Any]:
        if response.status_code != expected:
            raise IdentityUnavailable(
                f"The identity service refused {what} (HTTP {response.status_code}: {_detail_of(response)})."
            )
        try:
            data = response.json()
        except ValueError as error:
            raise IdentityUnavailable(f"The identity service answered {what} with no JSON.") from error
        if not isinstance(data, dict):
            raise IdentityUnavailable(f"The identity service answered {what} with unexpected JSON.")
        return data


def _detail_of(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return "no details"
    detail = body.get("detail") if isinstance(body, dict) else None
    return str(detail)[:200] if detail else "no details"


def identity_client_for(settings: RosterSettings, http: httpx.Client | None = None) -> IdentityClient | None:
    """None when the roster has no service client secret: logins are then not configured."""
    if settings.service_client_secret is None:
        return None
    secret = settings.service_client_secret.get_secret_value()
    if not secret:
        return None
    http = http or httpx.Client(base_url=settings.identity_url, timeout=10)
    return IdentityClient(http, settings.service_client_id, secret)
