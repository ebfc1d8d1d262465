"""The four services as the portal calls them: over HTTP, with the signed-in user's own token, so every
rule (roles, row-level security, another committee's data being a 404) is the services' and never re-made
here. An expired access token is refreshed once, transparently; a refused refresh signs the user out."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from linli_portal.config import PortalSettings


@dataclass
class Upstreams:
    """One connection pool per service, for the life of the app (tests hand in in-process apps)."""

    identity: httpx.Client
    roster: httpx.Client
    scheduling: httpx.Client
    evaluation: httpx.Client

    @classmethod
    def connect(cls, settings: PortalSettings) -> Upstreams:
        def client(base_url: str) -> httpx.Client:
            return httpx.Client(base_url=base_url, timeout=settings.upstream_timeout_seconds)

        return cls(
            identity=client(settings.identity_url),
            roster=client(settings.roster_url),
            scheduling=client(settings.scheduling_url),
            evaluation=client(settings.evaluation_url),
        )

    def close(self) -> None:
        for http in (self.identity, self.roster, self.scheduling, self.evaluation):
            http.close()


class UpstreamError(Exception):
    """A service refused (4xx): its problem+json, for the page to show next to the form."""

    def __init__(self, status: int, problem: Mapping[str, Any]) -> None:
        super().__init__(f"{status} {problem.get('title')}")
        self.status = status
        self.title = str(problem.get("title") or "")
        self.detail = str(problem.get("detail") or "")
        self.errors: list[dict[str, Any]] = list(problem.get("errors") or [])

    @property
    def messages(self) -> list[str]:
        """What to tell the user: the detail, then each field's complaint ("field: message")."""
        found = [self.detail or self.title]
        for error in self.errors:
            # "body.capacity" → "capacity": the form's field, as the user knows it
            where = str(error.get("field", "")).removeprefix("body.").removeprefix("query.")
            message = str(error.get("message", ""))
            found.append(f"{where}: {message}" if where else message)
        return [message for message in found if message]


class UpstreamUnavailable(Exception):
    """A service failed (5xx) or could not be reached: the user gets a 503 page, never a trace."""


class SignInAgain(Exception):
    """The session's tokens no longer work (expired refresh, revoked, logged out elsewhere)."""


@dataclass
class Tokens:
    access: str
    refresh: str


class Service:
    """Calls to one service on behalf of one user."""

    def __init__(self, http: httpx.Client, tokens: Callable[[], Tokens | None], renew: Callable[[], bool]):
        self._http = http
        self._tokens = tokens
        self._renew = renew

    def get(self, path: str, **params: Any) -> Any:
        return self.send("GET", path, params=params)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.send("POST", path, json=body, **kwargs)

    def put(self, path: str, body: Any = None) -> Any:
        return self.send("PUT", path, json=body)

    def patch(self, path: str, body: Any = None) -> Any:
        return self.send("PATCH", path, json=body)

    def send(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.response(method, path, **kwargs)
        if response.status_code == 204 or not response.content:
            return None
        return response.json()

    def download(self, path: str, **params: Any) -> httpx.Response:
        """A file (.xlsx, .pdf, .ics) to hand on to the browser as it came."""
        return self.response("GET", path, params=params)

    def response(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        if "params" in kwargs and kwargs["params"] is not None:
            # an empty filter on a form is "no filter", not a value the service must validate
            kwargs["params"] = {k: v for k, v in kwargs["params"].items() if v not in (None, "")}
        response = self._call(method, path, **kwargs)
        if response.status_code == 401 and self._tokens() is not None and self._renew():
            response = self._call(method, path, **kwargs)
        if response.status_code == 401 and self._tokens() is not None:
            raise SignInAgain()
        if response.status_code >= 500:
            raise UpstreamUnavailable(f"{method} {path} → {response.status_code}")
        if response.status_code >= 400:
            raise UpstreamError(response.status_code, _problem(response))
        return response

    def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        tokens = self._tokens()
        headers = dict(kwargs.pop("headers", None) or {})
        if tokens:
            headers["authorization"] = f"Bearer {tokens.access}"
        try:
            return self._http.request(method, path, headers=headers, **kwargs)
        except httpx.HTTPError as error:
            raise UpstreamUnavailable(f"{method} {path}: {error}") from error


def _problem(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {"title": response.reason_phrase}
    return body if isinstance(body, dict) else {"title": response.reason_phrase}
