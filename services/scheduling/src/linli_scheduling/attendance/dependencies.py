from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from linli_scheduling.attendance.codes import CheckInCodeSigner
from linli_scheduling.config import SchedulingSettings


def _settings(request: Request) -> SchedulingSettings:
    settings: SchedulingSettings = request.app.state.settings
    return settings


def check_in_signer(request: Request) -> CheckInCodeSigner:
    settings = _settings(request)
    return CheckInCodeSigner(
        signing_key=settings.signing_key.get_secret_value().encode(),
        rotation_seconds=settings.check_in_code_rotation_seconds,
        grace_seconds=settings.check_in_code_grace_seconds,
    )


def check_in_page(request: Request) -> str:
    """The self-service page a scanned QR code opens (it posts the code it carries to `/v1/me/check-in`)."""
    return _settings(request).public_url.rstrip("/") + "/check-in"


Signer = Annotated[CheckInCodeSigner, Depends(check_in_signer)]
CheckInPage = Annotated[str, Depends(check_in_page)]
