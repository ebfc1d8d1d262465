"""Keeps the roster facts (volunteers, roles, qualifications, courses, areas) from the roster's events."""

from __future__ import annotations

from linli_shared.events.consumer import Handler

ROSTER_TOPICS = ("roster.volunteers", "roster.areas", "roster.training")
HANDLERS: dict[str, Handler] = {}
