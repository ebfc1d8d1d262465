from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from linli_roster.logins.service import LoginService
from linli_shared.auth import CurrentContext
from linli_shared.dependencies import ContextSession


def login_service(request: Request, context: CurrentContext, session: ContextSession) -> LoginService:
    """Each use case checks the caller's role; the identity client is absent when logins are not set up."""
    return LoginService(session, context, getattr(request.app.state, "identity", None))


LoginServiceDep = Annotated[LoginService, Depends(login_service)]
