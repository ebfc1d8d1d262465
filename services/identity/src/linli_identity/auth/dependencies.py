from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from linli_identity.accounts.dependencies import SettingsDep
from linli_identity.auth.service import AuthService
from linli_shared.db import Database
from linli_shared.dependencies import ContextSession, PublicSession


def database_of(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


DatabaseDep = Annotated[Database, Depends(database_of)]


def auth_service(session: ContextSession, settings: SettingsDep) -> AuthService:
    return AuthService(session, settings)


def public_auth_service(session: PublicSession, settings: SettingsDep) -> AuthService:
    return AuthService(session, settings)


AuthServiceDep = Annotated[AuthService, Depends(auth_service)]
PublicAuthServiceDep = Annotated[AuthService, Depends(public_auth_service)]
