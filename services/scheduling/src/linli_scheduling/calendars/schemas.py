from __future__ import annotations

from pydantic import BaseModel


class CalendarFeedOut(BaseModel):
    #: the address a calendar app subscribes to; whoever has it sees the volunteer's sign-ups
    url: str
    #: the same address for apps that subscribe on a `webcal://` link (iOS, macOS)
    webcal_url: str
