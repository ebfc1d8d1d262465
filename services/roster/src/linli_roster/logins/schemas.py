from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class LoginInvitationOut(BaseModel):
    """Shown once to the staff member, to display as a QR code or forward by WeChat."""

    url: str
    token: str
    expires_at: datetime
