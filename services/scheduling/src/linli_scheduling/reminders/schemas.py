from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, StringConstraints, model_validator

from linli_scheduling.reminders.models import Channel

EmailAddress = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        to_lower=True,
        max_length=254,
        pattern=r"^[^@\s\x00-\x1f\x7f]{1,64}@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$",
    ),
]


class NotificationSettingsUpdate(BaseModel):
    """The whole setting, replaced: an email left out is an email removed."""

    model_config = ConfigDict(extra="forbid")

    channel: Channel
    #: where email reminders go; may be kept while reminders are switched off
    email: EmailAddress | None = None

    @model_validator(mode="after")
    def _email_channel_needs_an_address(self) -> Self:
        if self.channel is Channel.EMAIL and self.email is None:
            raise ValueError("email reminders need an email address")
        return self


class NotificationSettingsOut(BaseModel):
    volunteer_id: uuid.UUID
    channel: Channel
    email: str | None
    #: null: never set (no reminders until the volunteer or staff choose a channel)
    updated_at: datetime | None
