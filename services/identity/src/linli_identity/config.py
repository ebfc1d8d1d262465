from __future__ import annotations

from functools import lru_cache

from pydantic_settings import SettingsConfigDict

from linli_shared.settings import ServiceSettings


class IdentitySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="LINLI_IDENTITY_", extra="ignore")

    service_name: str = "identity"
    consumer_group: str = "linli-identity"
    #: AES-GCM key (32 bytes, hex) that encrypts signing keys at rest. Required: no default.
    key_encryption_key: str
    public_url: str = "http://127.0.0.1:8001"
    #: where invitation links point (the portal's accept page).
    invitation_base_url: str = "http://127.0.0.1:8000/invitations/accept"
    access_token_minutes: int = 10
    service_token_minutes: int = 5
    refresh_token_days: int = 14
    invitation_days: int = 7
    #: a signing key signs for this long, then stays in the JWKS until every token it signed has expired.
    signing_key_days: int = 30
    max_failed_logins: int = 5
    lockout_minutes: int = 15


@lru_cache
def get_settings() -> IdentitySettings:
    return IdentitySettings()
