"""The portal's app factory: pages, static files, the session cookie, the language, the error pages."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.middleware.sessions import SessionMiddleware

from linli_portal.config import PortalSettings, get_settings
from linli_portal.errors import error_page, install_error_pages
from linli_portal.i18n import LOCALE_COOKIE, choose_locale, gettext, use_locale
from linli_portal.routers import ROUTERS
from linli_portal.upstreams import Upstreams
from linli_shared.clock import Clock
from linli_shared.telemetry import setup_logging, setup_tracing

STATIC = Path(__file__).parent / "static"
SESSION_COOKIE = "linli_session"

#: pages only load what the portal itself serves: no CDN, no inline script (charts read data attributes)
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}


def create_app(
    settings: PortalSettings | None = None, upstreams: Upstreams | None = None, clock: Clock | None = None
) -> FastAPI:
    """`upstreams` lets tests hand in the four services as in-process apps, and `clock` stand the pages
    ("this month", "today") at the moment the services stand at."""
    settings = settings or get_settings()
    connected = upstreams or Upstreams.connect(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        if upstreams is None:
            connected.close()

    app = FastAPI(title="Linli portal", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.upstreams = connected
    app.state.clock = clock or Clock()
    install_error_pages(app)

    async def language_limits_and_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        request.state.locale = choose_locale(request.cookies.get(LOCALE_COOKIE))
        declared = request.headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > settings.max_request_bytes):
            use_locale(request.state.locale)
            response = error_page(request, 413, gettext("The file or form is too large."))
        else:
            response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        return response

    app.add_middleware(BaseHTTPMiddleware, dispatch=language_limits_and_headers)
    # outermost, so every page (error pages included) reads and writes the same session
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.session_secret.get_secret_value(),
        session_cookie=SESSION_COOKIE,
        max_age=settings.session_max_age_seconds,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    for router in ROUTERS:
        app.include_router(router)
    return app


def app() -> FastAPI:
    """Entry point for `uvicorn --factory linli_portal.main:app`."""
    settings = get_settings()
    setup_logging(settings.service_name, settings.log_level, settings.log_json)
    setup_tracing(settings.service_name, settings.otlp_endpoint)
    return create_app(settings)
