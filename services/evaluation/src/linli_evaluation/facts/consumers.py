"""Keeps the roster's volunteers and places from its events."""

from __future__ import annotations

from linli_shared.events.consumer import Handler

ROSTER_TOPICS = ("roster.volunteers", "roster.areas")
HANDLERS: dict[str, Handler] = {}
