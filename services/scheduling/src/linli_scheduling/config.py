from __future__ import annotations

from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from linli_shared.settings import ServiceSettings


class SchedulingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="LINLI_SCHEDULING_", extra="ignore")

    service_name: str = "scheduling"
    consumer_group: str = "linli-scheduling"
    #: signs the rotating check-in QR codes and the volunteers' calendar-feed links (HMAC-SHA256)
    signing_key: SecretStr = Field(min_length=32)
    #: a site's QR code is replaced this often, and each one is accepted a little longer (clock skew, a slow scan)
    check_in_code_rotation_seconds: int = Field(default=60, ge=10, le=600)
    check_in_code_grace_seconds: int = Field(default=30, ge=0, le=600)
    #: the public base URL of calendar feeds handed to volunteers (their calendar app fetches it)
    public_url: str = "http://127.0.0.1:8003"
    #: reminders by email: an SMTP relay; without a host, reminders are not sent (and say so in the logs)
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_sender: str = "noreply@linli.local"
    #: how long before a shift its reminder goes out
    reminder_lead_hours: int = Field(default=24, ge=1, le=168)


@lru_cache
def get_settings() -> SchedulingSettings:
    return SchedulingSettings()
