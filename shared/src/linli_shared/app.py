"""The pieces every service's app factory plugs in: problems, tracing, health, metrics, body limits."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, FastAPI, Request, Response
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from starlette.middleware.base import BaseHTTPMiddleware

from linli_shared.db import Database, ping
from linli_shared.problems import install_problem_handlers, problem_body, problem_response

REQUESTS = Counter("linli_http_requests_total", "HTTP requests", ["service", "method", "route", "status"])
LATENCY = Histogram("linli_http_request_seconds", "HTTP request latency", ["service", "method", "route"])


def operations_router(database: Database) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz")
    def readyz(response: Response) -> dict[str, str]:
        if ping(database):
            return {"status": "ready"}
        response.status_code = 503
        return {"status": "database unavailable"}

    @router.get("/metrics")
    def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router


def wire_common(app: FastAPI, service_name: str, database: Database, max_request_bytes: int) -> None:
    install_problem_handlers(app)
    app.include_router(operations_router(database))

    async def limit_and_measure(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        declared = request.headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > max_request_bytes):
            detail = "The request body is too large."
            body = problem_body(413, "payload-too-large", "Payload too large", detail, request.url.path)
            return problem_response(413, body)
        started = time.perf_counter()
        response = await call_next(request)
        # the route is known only after routing; unmatched paths share one label to bound cardinality
        route = getattr(request.scope.get("route"), "path", "unmatched")
        LATENCY.labels(service_name, request.method, route).observe(time.perf_counter() - started)
        REQUESTS.labels(service_name, request.method, route, response.status_code).inc()
        return response

    app.add_middleware(BaseHTTPMiddleware, dispatch=limit_and_measure)
    FastAPIInstrumentor.instrument_app(app, excluded_urls="healthz,readyz,metrics")
