"""Settings every service reads; each service subclasses with its own env prefix (e.g. LINLI_IDENTITY_)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", env_file=None)

    service_name: str
    environment: str = "dev"
    #: the application role: NOSUPERUSER, NOBYPASSRLS, not the owner of the tables.
    database_url: str
    #: the owner role that runs migrations.
    migration_database_url: str
    database_pool_size: int = 10
    kafka_bootstrap: str = "127.0.0.1:9092"
    kafka_idempotent: bool = True
    #: prefixes every topic: one namespace per environment sharing a cluster (and per test run).
    kafka_namespace: str = Field(default="linli", pattern=r"^[a-z][a-z0-9-]{0,40}$")
    kafka_topic_partitions: int = 6
    kafka_replication_factor: int = 1
    issuer: str = "linli-identity"
    jwks_url: str = "http://127.0.0.1:8001/.well-known/jwks.json"
    #: Redis in tests and production (redis://…); unset → kombu's SQLAlchemy transport on our PostgreSQL
    celery_broker_url: str | None = None
    otlp_endpoint: str | None = None
    log_level: str = "INFO"
    log_json: bool = True
    max_request_bytes: int = Field(default=1_000_000, ge=1024)

    @property
    def audience(self) -> str:
        """Tokens are minted for the whole platform; each service checks the platform audience."""
        return "linli"
