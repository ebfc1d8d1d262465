"""The months a report covers — one month (`2026-11`) or a run of whole months (`2026-01`…`2026-11`) — as
the service dates they span and the tally periods (`m2026-11`) that hold the same hours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

#: a month as the query string spells it; the century is fixed so every accepted month is a valid date
MONTH = r"^20\d{2}-(0[1-9]|1[0-2])$"
#: a roll-up or an export covers at most two years: enough for a year-on-year chart, bounded in cost
MAX_MONTHS = 24


def month_of(text: str) -> date:
    """`2026-11` → 2026-11-01 (the text already matched MONTH)."""
    year, month = text.split("-")
    return date(int(year), int(month), 1)


def add_months(first: date, count: int) -> date:
    index = first.year * 12 + first.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Months:
    """Whole months from `first` to `last` (each the first day of its month), inclusive."""

    first: date
    last: date

    @property
    def count(self) -> int:
        return (self.last.year - self.first.year) * 12 + self.last.month - self.first.month + 1

    @property
    def start(self) -> date:
        return self.first

    @property
    def end(self) -> date:
        """The last service day covered."""
        return add_months(self.last, 1) - timedelta(days=1)

    def each(self) -> list[date]:
        return [add_months(self.first, offset) for offset in range(self.count)]

    def previous(self) -> Months:
        """The same number of months just before these (a month's previous month)."""
        return Months(add_months(self.first, -self.count), add_months(self.first, -1))

    def tally_periods(self) -> list[str]:
        return [period_of(month) for month in self.each()]


def label(month: date) -> str:
    return f"{month.year}-{month.month:02d}"


def period_of(month: date) -> str:
    """The tally period of a month: `m2026-11` (as `ledger.tallying.periods` names it)."""
    return f"m{label(month)}"
