"""The roster service's app factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from linli_roster.activity.router import router as activity_router
from linli_roster.config import RosterSettings, get_settings
from linli_roster.deliberation.router import router as deliberation_router
from linli_roster.honours.router import router as honours_router
from linli_roster.logins.identity_client import identity_client_for
from linli_roster.logins.router import router as logins_router
from linli_roster.mediation.router import router as mediation_router
from linli_roster.mentoring.router import router as mentoring_router
from linli_roster.recruitment.router import router as recruitment_router
from linli_roster.rules.router import router as rules_router
from linli_roster.spaces.router import router as spaces_router
from linli_roster.spreadsheets.router import router as spreadsheets_router
from linli_roster.training.router import router as training_router
from linli_roster.volunteers.router import router as volunteers_router
from linli_shared.app import wire_common
from linli_shared.auth import JwksCache, TokenVerifier
from linli_shared.db import Database
from linli_shared.telemetry import setup_logging, setup_tracing


def create_app(
    settings: RosterSettings | None = None,
    database: Database | None = None,
    jwks_http: httpx.Client | None = None,
    identity_http: httpx.Client | None = None,
) -> FastAPI:
    """`jwks_http` lets tests fetch the identity service's JWKS from an in-process identity app, and
    `identity_http` lets them call its API (volunteer login invitations)."""
    settings = settings or get_settings()
    database = database or Database.from_url(settings.database_url, settings.database_pool_size)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        database.dispose()

    app = FastAPI(
        title="Linli roster",
        version="1.0.0",
        description="Volunteers, tiers and stacked roles, grids → micro-grids → buildings, exits.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.database = database
    app.state.token_verifier = TokenVerifier(
        JwksCache(settings.jwks_url, http=jwks_http), issuer=settings.issuer
    )
    app.state.identity = identity_client_for(settings, identity_http)
    wire_common(app, settings.service_name, database, settings.max_request_bytes)
    for router in (
        spreadsheets_router,  # before volunteers: /v1/volunteers/{volunteer_id} would take export.xlsx
        logins_router,  # before volunteers too: /v1/volunteers/{volunteer_id}/login-invitation
        volunteers_router,
        spaces_router,
        rules_router,
        activity_router,
        training_router,
        mentoring_router,
        deliberation_router,
        mediation_router,
        recruitment_router,
        honours_router,
    ):
        app.include_router(router)
    return app


def app() -> FastAPI:
    """Entry point for `uvicorn --factory linli_roster.main:app`."""
    settings = get_settings()
    setup_logging(settings.service_name, settings.log_level, settings.log_json)
    setup_tracing(settings.service_name, settings.otlp_endpoint)
    return create_app(settings)
