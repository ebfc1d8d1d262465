"""What the portal keeps of a signed-in user, in Starlette's signed session cookie (HttpOnly, SameSite=Lax,
Secure): the tokens identity gave them, who they are and where they act, and the form token (CSRF)."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import asdict, dataclass
from typing import Any

from starlette.requests import Request

from linli_portal.upstreams import Tokens

COMMITTEE_ROLES = frozenset({"tenant_admin", "staff", "auditor"})
AREA_ROLES = frozenset({"district_admin", "town_admin"})
VOLUNTEER_ROLE = "volunteer"


@dataclass(frozen=True)
class PortalUser:
    """The signed-in person as the pages need them; `slug` is their node's part of the portal's URLs."""

    user_id: str
    name: str
    role: str
    tenant_id: str
    tenant_name: str
    tenant_kind: str
    slug: str

    @property
    def home(self) -> str:
        """Where this person starts: their committee's portal, their district's or town's, or their own pages."""
        if self.role in COMMITTEE_ROLES:
            return f"/t/{self.slug}/"
        if self.role in AREA_ROLES:
            return f"/d/{self.slug}/"
        return "/me/"

    @property
    def is_admin(self) -> bool:
        return self.role == "tenant_admin"

    @property
    def writes(self) -> bool:
        """Committee admins and staff change things; auditors read and work their tasks."""
        return self.role in {"tenant_admin", "staff"}


def signed_in_user(request: Request) -> PortalUser | None:
    found = request.session.get("user")
    return PortalUser(**found) if isinstance(found, dict) else None


def session_tokens(request: Request) -> Tokens | None:
    found = request.session.get("tokens")
    return Tokens(**found) if isinstance(found, dict) else None


def start_session(request: Request, user: PortalUser, tokens: Tokens) -> None:
    """A fresh session (and a fresh form token) at every sign-in: nothing from before carries over."""
    request.session.clear()
    request.session.update(user=asdict(user), tokens=asdict(tokens), csrf=secrets.token_urlsafe(32))


def keep_tokens(request: Request, tokens: Tokens) -> None:
    request.session["tokens"] = asdict(tokens)


def end_session(request: Request) -> None:
    request.session.clear()


def csrf_token(request: Request) -> str:
    """The token every form of this session carries (made on first use, also before sign-in)."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def csrf_matches(request: Request, sent: Any) -> bool:
    expected = request.session.get("csrf")
    return isinstance(expected, str) and isinstance(sent, str) and hmac.compare_digest(expected, sent)


def flash(request: Request, message: str) -> None:
    """A one-line confirmation the next page shows ("Saved.", "Signed up."), after a redirect."""
    request.session.setdefault("flashes", []).append(message)
    request.session["flashes"] = request.session["flashes"]


def take_flashes(request: Request) -> list[str]:
    found = request.session.pop("flashes", None)
    return [str(message) for message in found] if isinstance(found, list) else []
