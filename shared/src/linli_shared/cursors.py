"""Keyset-pagination cursors: opaque to clients, parsed strictly on the way back in, because a crafted
cursor must never reach a query (a NUL byte, a number where a date belongs, the wrong arity) — it is a 422."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from linli_shared.problems import Invalid

BIGINT_MAX = 2**63 - 1


def encode_cursor(*parts: object) -> str:
    values = [part.isoformat() if isinstance(part, date | datetime) else str(part) for part in parts]
    return base64.urlsafe_b64encode(json.dumps(values, ensure_ascii=False).encode()).decode()


def decode_cursor(cursor: str, *parsers: Callable[[str], Any]) -> tuple[Any, ...]:
    """The cursor's parts, each through its parser (e.g. `uuid.UUID`, `date.fromisoformat`, `aware_datetime`)."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if not isinstance(values, list) or len(values) != len(parsers):
            raise ValueError("wrong shape")
        if not all(isinstance(value, str) and "\x00" not in value for value in values):
            raise ValueError("parts are text")
        return tuple(parse(value) for parse, value in zip(parsers, values, strict=True))
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as error:
        raise Invalid("The cursor is not valid.") from error


def aware_datetime(value: str) -> datetime:
    """A timestamp with its zone: the database compares it with `timestamptz` columns."""
    parsed = datetime.fromisoformat(value)
    if parsed.utcoffset() is None:
        raise ValueError("a cursor timestamp carries its zone")
    return parsed


def bigint(value: str) -> int:
    parsed = int(value)
    if not 0 < parsed <= BIGINT_MAX:
        raise ValueError("out of range")
    return parsed
