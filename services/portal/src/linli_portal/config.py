from __future__ import annotations

from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class PortalSettings(BaseSettings):
    """The portal owns no data: it needs the four services' addresses and a key for its session cookie."""

    model_config = SettingsConfigDict(env_prefix="LINLI_PORTAL_", extra="ignore", env_file=None)

    service_name: str = "portal"
    identity_url: str = "http://127.0.0.1:8001"
    roster_url: str = "http://127.0.0.1:8002"
    scheduling_url: str = "http://127.0.0.1:8003"
    evaluation_url: str = "http://127.0.0.1:8004"
    #: where people reach the portal; check-in QR codes and residents' links open pages under it
    public_url: str = "http://127.0.0.1:8000"
    #: signs the session cookie (which carries the user's tokens; HttpOnly, so scripts never see them)
    session_secret: SecretStr = Field(min_length=32)
    #: an idle session ends after this long; the tokens inside are refreshed while it lasts
    session_max_age_seconds: int = Field(default=8 * 3600, ge=300)
    #: cookies only over HTTPS — browsers treat http://127.0.0.1 and http://localhost as secure too
    secure_cookies: bool = True
    upstream_timeout_seconds: float = Field(default=30.0, gt=0)
    otlp_endpoint: str | None = None
    log_level: str = "INFO"
    log_json: bool = True
    #: an .xlsx import is the largest thing anyone sends the portal
    max_request_bytes: int = Field(default=6_000_000, ge=1024)


@lru_cache
def get_settings() -> PortalSettings:
    return PortalSettings()
