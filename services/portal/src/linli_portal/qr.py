"""QR codes the pages show (a site's check-in code, a login invitation, a resident's rating link), drawn as
inline SVG on the server, and the portal links they carry."""

from __future__ import annotations

from urllib.parse import quote

import segno
from markupsafe import Markup
from starlette.requests import Request


def qr_svg(text: str, scale: int = 5) -> Markup:
    """An inline <svg> of the text's QR code (no script, no external image: the page's CSP allows neither)."""
    return Markup(segno.make(text, error="m").svg_inline(scale=scale, border=2))


def portal_link(request: Request, path: str, **query: str) -> str:
    """An absolute link to a portal page, for a QR code or a WeChat message (the portal's public address)."""
    base = str(request.app.state.settings.public_url).rstrip("/")
    params = "&".join(f"{key}={quote(value, safe='')}" for key, value in query.items())
    return f"{base}{path}" + (f"?{params}" if params else "")


def invitation_link(request: Request, token: str) -> str:
    """Where an invited person accepts: the portal's page, whatever identity's own link names."""
    return portal_link(request, "/invitations/accept", token=token)
