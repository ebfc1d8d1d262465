"""Time, one way: stored in UTC, the service day and wall clock in Asia/Shanghai. An app reads "now" from
`app.state.clock` (the `Now` dependency), so tests can stand at any moment without sleeping."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends, Request

SHANGHAI = ZoneInfo("Asia/Shanghai")


class Clock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock(Clock):
    """A clock that stands still until moved (tests, the seed)."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


class SettableClock(Clock):
    """Real time unless someone stands it somewhere (`clock.at = …`; tests put it back to None)."""

    def __init__(self) -> None:
        self.at: datetime | None = None

    def now(self) -> datetime:
        return self.at or datetime.now(UTC)


def local_date(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


def shanghai_today() -> date:
    """Today as a calendar in Shanghai reads it (not the server's: 16:00–24:00 UTC is already tomorrow)."""
    return datetime.now(SHANGHAI).date()


def _now(request: Request) -> datetime:
    clock: Clock = request.app.state.clock
    return clock.now()


Now = Annotated[datetime, Depends(_now)]
