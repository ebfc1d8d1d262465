"""Jinja2 pages: autoescaped, every visible word through the catalogue, times shown in Asia/Shanghai."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_decimal
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request

from linli_portal import i18n
from linli_portal.labels import label
from linli_portal.sessions import csrf_token, signed_in_user, take_flashes
from linli_shared.clock import SHANGHAI

TEMPLATES = Path(__file__).parent / "templates"


def _moment(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.astimezone(SHANGHAI)


def local_datetime(value: Any, pattern: str = "yyyy-MM-dd HH:mm") -> str:
    """A UTC instant from an API, as a clock on the wall in Shanghai reads it."""
    moment = _moment(value)
    return "" if moment is None else format_datetime(moment, pattern, tzinfo=SHANGHAI, locale=_babel())


def local_time(value: Any) -> str:
    moment = _moment(value)
    return "" if moment is None else format_time(moment, "HH:mm", tzinfo=SHANGHAI, locale=_babel())


def local_date(value: Any, pattern: str = "yyyy-MM-dd") -> str:
    """A calendar day (already a Shanghai day when it is a date; an instant is converted first)."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime) or (isinstance(value, str) and "T" in value):
        moment = _moment(value)
        assert moment is not None
        return format_date(moment.date(), pattern, locale=_babel())
    day = value if isinstance(value, date) else date.fromisoformat(str(value))
    return format_date(day, pattern, locale=_babel())


def number(value: Any, digits: int = 1) -> str:
    if value in (None, ""):
        return "—"
    amount = Decimal(str(value)).quantize(Decimal(1).scaleb(-digits)) if digits else Decimal(str(value))
    return format_decimal(amount, locale=_babel())


def _babel() -> str:
    return i18n.current_locale()


environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    extensions=["jinja2.ext.i18n"],
    trim_blocks=True,
    lstrip_blocks=True,
)
environment.install_gettext_callables(  # type: ignore[attr-defined]
    gettext=lambda message: i18n.translations(i18n.current_locale()).gettext(message),
    ngettext=lambda s, p, n: i18n.translations(i18n.current_locale()).ngettext(s, p, n),
    newstyle=True,
)
environment.filters.update(
    datetime=local_datetime,
    time=local_time,
    date=local_date,
    number=number,
    urlquote=quote,
    label=label,
)
environment.globals.update(locales=i18n.LOCALES)


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page in the request's language, with the signed-in user, the form token and any confirmations
    (`flash`) at hand. Pages show a refused form's `errors` (UpstreamError.messages) above it."""
    locale = getattr(request.state, "locale", i18n.DEFAULT_LOCALE)
    i18n.use_locale(locale)
    page = environment.get_template(template).render(
        request=request,
        user=signed_in_user(request),
        locale=locale,
        csrf_token=csrf_token(request),
        flashes=take_flashes(request),
        **context,
    )
    return HTMLResponse(page, status_code=status_code)


def pass_through(file: httpx.Response) -> Response:
    """A file a service made (.xlsx, .pdf, .csv; `Service.download`), handed to the browser as it came: its
    type and its (Chinese) file name."""
    return Response(
        file.content,
        media_type=file.headers["content-type"],
        headers={"content-disposition": file.headers.get("content-disposition", "attachment")},
    )


def see_other(path: str) -> RedirectResponse:
    """After a form: to the page that shows the result (POST → redirect → GET, so a reload resends nothing)."""
    return RedirectResponse(path, status_code=303)
