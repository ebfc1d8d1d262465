"""iCalendar (RFC 5545) written by hand: the subset a subscribed calendar needs, and nothing that a
calendar app could misread.

Times are UTC (`…Z`), so no VTIMEZONE block is needed; X-WR-TIMEZONE tells apps to show them in
Asia/Shanghai. Text values are escaped (backslash, semicolon, comma, line breaks), every content line is
folded at 75 octets without splitting a UTF-8 character, and lines end in CRLF."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

CRLF = "\r\n"
#: a content line's length limit, in octets, not counting the line break (RFC 5545 §3.1)
LINE_OCTETS = 75
PRODUCT_ID = "-//Linli//Scheduling 1.0//ZH"
TIMEZONE = "Asia/Shanghai"
#: how often a subscribing app should fetch the feed again
REFRESH = "PT1H"
#: control characters TEXT may not carry (tab is allowed; line breaks are escaped before this applies)
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


class EventStatus(StrEnum):
    CONFIRMED = "CONFIRMED"
    TENTATIVE = "TENTATIVE"
    CANCELLED = "CANCELLED"


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    starts_at: datetime
    ends_at: datetime
    summary: str
    location: str
    description: str
    status: EventStatus


def escape_text(value: str) -> str:
    """A TEXT value (§3.3.11): `\\` `;` `,` escaped, every kind of line break as `\\n`."""
    escaped = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    escaped = escaped.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")
    return _CONTROL.sub("", escaped)


def fold(line: str) -> str:
    """Split a content line into pieces of at most 75 octets, each continuation starting with one space
    (which counts towards its 75), cutting only between characters so a 3-octet 汉字 is never split."""
    pieces: list[str] = []
    current: list[str] = []
    octets, limit = 0, LINE_OCTETS
    for character in line:
        size = len(character.encode("utf-8"))
        if octets + size > limit:
            pieces.append("".join(current))
            current, octets, limit = [], 0, LINE_OCTETS - 1
        current.append(character)
        octets += size
    pieces.append("".join(current))
    return (CRLF + " ").join(pieces)


def utc_stamp(moment: datetime) -> str:
    """DATE-TIME in UTC form (§3.3.5, form #2)."""
    if moment.utcoffset() is None:
        raise ValueError("a calendar time must carry its zone")
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def render_calendar(name: str, events: Iterable[CalendarEvent], stamp: datetime) -> str:
    """A whole VCALENDAR; `stamp` is when it was generated (each event's DTSTAMP)."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT_ID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        f"X-WR-TIMEZONE:{TIMEZONE}",
        f"REFRESH-INTERVAL;VALUE=DURATION:{REFRESH}",
        f"X-PUBLISHED-TTL:{REFRESH}",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{utc_stamp(stamp)}",
            f"DTSTART:{utc_stamp(event.starts_at)}",
            f"DTEND:{utc_stamp(event.ends_at)}",
            f"SUMMARY:{escape_text(event.summary)}",
            f"LOCATION:{escape_text(event.location)}",
            f"DESCRIPTION:{escape_text(event.description)}",
            f"STATUS:{event.status}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)
