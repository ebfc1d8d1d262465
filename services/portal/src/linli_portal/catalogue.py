"""The message catalogue's bookkeeping: every message the templates and code say, and which of them a
locale's catalogue does not translate yet. `python -m linli_portal.catalogue` lists the missing ones as .po
entries to fill in (tests fail while any is missing)."""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir

from linli_portal.i18n import CATALOGUES, DEFAULT_LOCALE, translations

PACKAGE = Path(__file__).parent
METHODS = [("**/templates/**.html", "jinja2.ext:babel_extract"), ("**.py", "python")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "false"}}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def messages() -> dict[str, list[str]]:
    """Every message id, with where it is said (file:line)."""
    found: dict[str, list[str]] = {}
    for filename, line, message, _comments, _context in extract_from_dir(
        PACKAGE, METHODS, OPTIONS, KEYWORDS, strip_comment_tags=True
    ):
        for text in message if isinstance(message, tuple) else (message,):
            if text:
                found.setdefault(text, []).append(f"{filename}:{line}")
    return found


def untranslated(locale: str = DEFAULT_LOCALE) -> dict[str, list[str]]:
    catalogue = translations(locale)
    return {text: where for text, where in messages().items() if catalogue.gettext(text) == text}


def catalogue_files(locale: str = DEFAULT_LOCALE) -> list[Path]:
    return sorted((CATALOGUES / locale).glob("*.po"))


def main() -> int:
    missing = untranslated()
    for text, where in sorted(missing.items(), key=lambda item: item[1][0]):
        escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        sys.stdout.write(f'#: {" ".join(where[:3])}\nmsgid "{escaped}"\nmsgstr ""\n\n')
    sys.stderr.write(f"{len(missing)} message(s) without a {DEFAULT_LOCALE} translation\n")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
