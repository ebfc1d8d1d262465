"""zh-CN by default, English on request. Templates and code say English message ids; the catalogues under
`locale/<lang>/` (one .po file per area of the portal, merged at start) hold the Chinese. English needs
no catalogue: an untranslated id is its own English."""

from __future__ import annotations

import io
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALES = {"zh_CN": "中文", "en": "English"}
DEFAULT_LOCALE = "zh_CN"
LOCALE_COOKIE = "linli_lang"
CATALOGUES = Path(__file__).parent / "locale"

_current: ContextVar[str] = ContextVar("linli_portal_locale", default=DEFAULT_LOCALE)


def choose_locale(cookie: str | None) -> str:
    return cookie if cookie in LOCALES else DEFAULT_LOCALE


@cache
def translations(locale: str) -> NullTranslations:
    """Every .po file of the locale merged into one (read once per process)."""
    merged: Translations | None = None
    for path in sorted((CATALOGUES / locale).glob("*.po")):
        with path.open("rb") as source:
            catalog = read_po(source, locale=locale)
        compiled = io.BytesIO()
        write_mo(compiled, catalog)
        compiled.seek(0)
        part = Translations(compiled)
        if merged is None:
            merged = part
        else:
            merged.merge(part)
    return merged or NullTranslations()


def use_locale(locale: str) -> None:
    """The language of what this thread renders and says next."""
    _current.set(locale)


def current_locale() -> str:
    return _current.get()


def gettext(message: str, **variables: object) -> str:
    """`%%` is a per cent sign, as in templates (whose gettext formats every message); a message said
    without variables is not formatted, so a stray `%` in it cannot fail the request."""
    text = translations(_current.get()).gettext(message)
    return text % variables if variables else text.replace("%%", "%")


def ngettext(singular: str, plural: str, n: int, **variables: object) -> str:
    text = translations(_current.get()).ngettext(singular, plural, n)
    return text % {"num": n, **variables}


#: marks a message for extraction where it is defined and translates it where it is shown
_ = gettext
