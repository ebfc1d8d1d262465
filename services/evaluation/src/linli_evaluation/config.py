from __future__ import annotations

from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from linli_shared.settings import ServiceSettings


class EvaluationSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="LINLI_EVALUATION_", extra="ignore")

    service_name: str = "evaluation"
    consumer_group: str = "linli-evaluation"
    #: signs residents' feedback links and certificate verification codes (HMAC-SHA256)
    signing_key: SecretStr = Field(min_length=32)
    #: the public base URL residents' feedback links and certificate check URLs point at
    public_url: str = "http://127.0.0.1:8004"
    #: how long a resident's feedback link stays valid after the service
    feedback_link_days: int = Field(default=30, ge=1, le=365)
    #: feedback submissions accepted per client address per hour (the public page is rate-limited)
    feedback_per_hour: int = Field(default=20, ge=1, le=10_000)


@lru_cache
def get_settings() -> EvaluationSettings:
    return EvaluationSettings()
