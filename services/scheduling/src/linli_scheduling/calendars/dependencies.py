from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from linli_scheduling.calendars.feeds import FeedSigner
from linli_scheduling.config import SchedulingSettings


def _settings(request: Request) -> SchedulingSettings:
    settings: SchedulingSettings = request.app.state.settings
    return settings


def feed_signer(settings: Annotated[SchedulingSettings, Depends(_settings)]) -> FeedSigner:
    return FeedSigner(settings.signing_key.get_secret_value().encode())


Settings = Annotated[SchedulingSettings, Depends(_settings)]
FeedSignerDep = Annotated[FeedSigner, Depends(feed_signer)]
