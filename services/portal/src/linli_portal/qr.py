"""QR codes the pages show (a site's check-in code, a login invitation, a resident's rating link), drawn as
inline SVG on the server, and the portal links they carry."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote

import segno
from markupsafe import Markup
from starlette.requests import Request


def qr_svg(
    text: str,
    title: str | None = None,
    *,
    scale: int = 4,
    svgclass: str | None = "qr",
    attributes: Mapping[str, str] | None = None,
) -> Markup:
    """An inline <svg> of the text's QR code (no script, no external image: the page's CSP allows neither),
    sized by its CSS class. A `title` names it for screen readers; `attributes` go on the <svg> element.
    segno writes the markup from the text alone and escapes the title, so it is safe as it is."""
    svg = segno.make(text, error="m").svg_inline(
        scale=scale, border=2, omitsize=svgclass is not None, svgclass=svgclass, title=title
    )
    if not attributes:
        return Markup(svg)
    extra = Markup("").join(Markup(' {}="{}"').format(name, value) for name, value in attributes.items())
    # segno's markup opens with `<svg `: the attributes go on the QR element itself
    return Markup(svg.replace("<svg", "<svg" + str(extra), 1))


def qr_data_uri(text: str) -> str:
    """The text's QR code as an SVG data: URI, for an <img> (a page to print or save keeps it as one image)."""
    return str(segno.make(text, error="m").svg_data_uri(scale=4))


def portal_link(request: Request, path: str, **query: str) -> str:
    """An absolute link to a portal page, for a QR code or a WeChat message (the portal's public address)."""
    base = str(request.app.state.settings.public_url).rstrip("/")
    params = "&".join(f"{key}={quote(value, safe='')}" for key, value in query.items())
    return f"{base}{path}" + (f"?{params}" if params else "")


def invitation_link(request: Request, token: str) -> str:
    """Where an invited person accepts: the portal's page, whatever identity's own link names."""
    return portal_link(request, "/invitations/accept", token=token)
