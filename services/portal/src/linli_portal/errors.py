"""A clear page for every failure, in the user's language, with the right status — never a stack trace."""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException

from linli_portal.dependencies import FormExpired, PageNotFound, SignInRequired
from linli_portal.i18n import DEFAULT_LOCALE, use_locale
from linli_portal.i18n import gettext as _
from linli_portal.sessions import end_session
from linli_portal.templating import render
from linli_portal.upstreams import SignInAgain, UpstreamError, UpstreamUnavailable

log = logging.getLogger(__name__)


def error_page(request: Request, status: int, title: str, messages: list[str] | None = None) -> Response:
    return render(request, "error.html", status_code=status, title=title, messages=messages or [])


def to_login(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


def install_error_pages(app: FastAPI) -> None:
    @app.exception_handler(SignInRequired)
    async def sign_in(request: Request, _error: SignInRequired) -> Response:
        return to_login(request)

    @app.exception_handler(SignInAgain)
    async def sign_in_again(request: Request, _error: SignInAgain) -> Response:
        end_session(request)
        return to_login(request)

    @app.exception_handler(PageNotFound)
    async def not_found(request: Request, _error: PageNotFound) -> Response:
        return _not_found(request)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        use_locale(getattr(request.state, "locale", DEFAULT_LOCALE))
        if error.status_code == 404:
            return _not_found(request)
        if error.status_code == 405:
            return error_page(request, 405, _("This page cannot do that."))
        return error_page(request, error.status_code, _("Something went wrong."), [str(error.detail)])

    @app.exception_handler(FormExpired)
    async def form_expired(request: Request, _error: FormExpired) -> Response:
        use_locale(getattr(request.state, "locale", DEFAULT_LOCALE))
        message = _("The form has expired. Go back, reload the page and try again.")
        return error_page(request, 403, _("The form has expired"), [message])

    @app.exception_handler(RequestValidationError)
    async def bad_input(request: Request, error: RequestValidationError) -> Response:
        use_locale(getattr(request.state, "locale", DEFAULT_LOCALE))
        messages = [
            f"{'.'.join(str(part) for part in item.get('loc', ())[1:])}: {item.get('msg', '')}"
            for item in error.errors()
        ]
        return error_page(request, 400, _("Some of what was sent is not valid."), messages)

    @app.exception_handler(UpstreamError)
    async def refused(request: Request, error: UpstreamError) -> Response:
        use_locale(getattr(request.state, "locale", DEFAULT_LOCALE))
        if error.status == 404:
            return _not_found(request)
        if error.status == 403:
            return error_page(request, 403, _("You may not do this."), error.messages)
        return error_page(request, error.status, _("That could not be done."), error.messages)

    @app.exception_handler(UpstreamUnavailable)
    async def unavailable(request: Request, error: UpstreamUnavailable) -> Response:
        use_locale(getattr(request.state, "locale", DEFAULT_LOCALE))
        log.warning("upstream unavailable: %s", error)
        return error_page(request, 503, _("A service is not answering. Please try again in a minute."))

    @app.exception_handler(Exception)
    async def crashed(request: Request, error: Exception) -> Response:
        use_locale(getattr(request.state, "locale", DEFAULT_LOCALE))
        log.exception("page failed: %s %s", request.method, request.url.path, exc_info=error)
        return error_page(request, 500, _("Something went wrong on our side. It has been logged."))


def _not_found(request: Request) -> Response:
    use_locale(getattr(request.state, "locale", DEFAULT_LOCALE))
    return error_page(request, 404, _("This page does not exist, or is not yours to see."))
