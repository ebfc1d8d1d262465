"""The identity service's app factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from linli_identity.accounts.router import router as accounts_router
from linli_identity.audit.router import router as audit_router
from linli_identity.auth.repository import AuthRepository
from linli_identity.auth.router import router as auth_router
from linli_identity.auth.tokens import DatabaseKeySource, TokenIssuer
from linli_identity.config import IdentitySettings, get_settings
from linli_identity.tenants.router import router as tenants_router
from linli_shared.app import wire_common
from linli_shared.auth import TokenVerifier
from linli_shared.db import Database
from linli_shared.telemetry import setup_logging, setup_tracing


def create_app(settings: IdentitySettings | None = None, database: Database | None = None) -> FastAPI:
    settings = settings or get_settings()
    database = database or Database.from_url(settings.database_url, settings.database_pool_size)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        ensure_signing_key(database, settings)
        yield
        database.dispose()

    app = FastAPI(
        title="Linli identity",
        version="1.0.0",
        description="Tenant tree, people, memberships, login, tokens (JWKS), admin audit log.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.database = database
    app.state.token_verifier = TokenVerifier(
        DatabaseKeySource(database), issuer=settings.issuer, is_revoked=lambda jti: is_revoked(database, jti)
    )
    wire_common(app, settings.service_name, database, settings.max_request_bytes)
    for router in (auth_router, tenants_router, accounts_router, audit_router):
        app.include_router(router)
    return app


def is_revoked(database: Database, jti: str) -> bool:
    with database.transaction() as session:
        return AuthRepository(session).is_access_token_revoked(jti)


def ensure_signing_key(database: Database, settings: IdentitySettings) -> None:
    with database.transaction() as session:
        TokenIssuer(settings).active_key(AuthRepository(session))


def app() -> FastAPI:
    """Entry point for `uvicorn --factory linli_identity.main:app`."""
    settings = get_settings()
    setup_logging(settings.service_name, settings.log_level, settings.log_json)
    setup_tracing(settings.service_name, settings.otlp_endpoint)
    return create_app(settings)
