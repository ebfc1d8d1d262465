"""Months as the services name them (`2026-11`), counted back from a Shanghai day."""

from __future__ import annotations

from datetime import date


def months_back(today: date, count: int) -> list[str]:
    """The `count` months ending with today's, oldest first."""
    year, month = today.year, today.month
    found = []
    for _ in range(count):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return found[::-1]


def month_label(month: str) -> str:
    """`2026-11` → `2026-11` (numbers read the same in both languages; short enough for a chart axis)."""
    return month
