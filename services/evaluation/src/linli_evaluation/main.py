"""The scheduling service's app factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from linli_evaluation.config import EvaluationSettings, get_settings
from linli_evaluation.routers import ROUTERS
from linli_shared.app import wire_common
from linli_shared.auth import JwksCache, TokenVerifier
from linli_shared.clock import Clock
from linli_shared.db import Database
from linli_shared.telemetry import setup_logging, setup_tracing


def create_app(
    settings: EvaluationSettings | None = None,
    database: Database | None = None,
    jwks_http: httpx.Client | None = None,
    clock: Clock | None = None,
) -> FastAPI:
    """`jwks_http` lets tests fetch the identity service's JWKS from an in-process identity app; `clock`
    lets them stand at a chosen moment."""
    settings = settings or get_settings()
    database = database or Database.from_url(settings.database_url, settings.database_pool_size)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        database.dispose()

    app = FastAPI(
        title="Linli evaluation",
        version="1.0.0",
        description="Hours ledger and tallies, star levels, resident satisfaction, random audits, "
        "dynamic evaluation, recognition, certificates and reports.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.database = database
    app.state.clock = clock or Clock()
    app.state.token_verifier = TokenVerifier(
        JwksCache(settings.jwks_url, http=jwks_http), issuer=settings.issuer
    )
    wire_common(app, settings.service_name, database, settings.max_request_bytes)
    for router in ROUTERS:
        app.include_router(router)
    return app


def app() -> FastAPI:
    """Entry point for `uvicorn --factory linli_evaluation.main:app`."""
    settings = get_settings()
    setup_logging(settings.service_name, settings.log_level, settings.log_json)
    setup_tracing(settings.service_name, settings.otlp_endpoint)
    return create_app(settings)
