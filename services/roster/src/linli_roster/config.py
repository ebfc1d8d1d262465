from __future__ import annotations

from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from linli_shared.settings import ServiceSettings


class RosterSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="LINLI_ROSTER_", extra="ignore")

    service_name: str = "roster"
    consumer_group: str = "linli-roster"
    #: the exit mechanism's inactivity rule: flag volunteers with no service for this many months
    inactivity_months: int = Field(default=6, ge=1, le=36)
    #: keys that encrypt ID numbers at rest, newest first: "kid:hex32bytes,kid:hex32bytes". Adding a key in
    #: front rotates (new writes use it; `linli-roster reencrypt` moves old rows); old keys keep decrypting.
    id_number_keys: str = Field(pattern=r"^[a-z0-9]{1,16}:[0-9a-f]{64}(,[a-z0-9]{1,16}:[0-9a-f]{64})*$")
    #: volunteer logins: the roster asks the identity service for invitations with a client-credentials
    #: token; without a secret, staff cannot give volunteers logins (the endpoint answers 503)
    identity_url: str = "http://127.0.0.1:8001"
    service_client_id: str = "roster"
    service_client_secret: SecretStr | None = None


@lru_cache
def get_settings() -> RosterSettings:
    return RosterSettings()
