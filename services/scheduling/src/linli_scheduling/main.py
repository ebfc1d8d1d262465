"""The scheduling service's app factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from linli_scheduling.activities.router import router as activities_router
from linli_scheduling.attendance.router import router as attendance_router
from linli_scheduling.attendance.training_router import router as training_router
from linli_scheduling.calendars.router import router as calendars_router
from linli_scheduling.config import SchedulingSettings, get_settings
from linli_scheduling.policies.router import router as policies_router
from linli_scheduling.projects.router import router as projects_router
from linli_scheduling.records.router import router as records_router
from linli_scheduling.reminders.router import router as reminders_router
from linli_scheduling.signups.router import router as signups_router
from linli_shared.app import wire_common
from linli_shared.auth import JwksCache, TokenVerifier
from linli_shared.clock import Clock
from linli_shared.db import Database
from linli_shared.telemetry import setup_logging, setup_tracing


def create_app(
    settings: SchedulingSettings | None = None,
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
        title="Linli scheduling",
        version="1.0.0",
        description="Service projects, activities and shifts, sign-ups and waitlists, check-in/out, "
        "service records with late entries and corrections.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.database = database
    app.state.clock = clock or Clock()
    app.state.token_verifier = TokenVerifier(
        JwksCache(settings.jwks_url, http=jwks_http), issuer=settings.issuer
    )
    wire_common(app, settings.service_name, database, settings.max_request_bytes)
    for router in (
        policies_router,
        projects_router,
        activities_router,
        signups_router,
        attendance_router,
        training_router,
        records_router,
        reminders_router,
        calendars_router,
    ):
        app.include_router(router)
    return app


def app() -> FastAPI:
    """Entry point for `uvicorn --factory linli_scheduling.main:app`."""
    settings = get_settings()
    setup_logging(settings.service_name, settings.log_level, settings.log_json)
    setup_tracing(settings.service_name, settings.otlp_endpoint)
    return create_app(settings)
