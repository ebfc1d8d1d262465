from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from linli_identity.accounts.service import AccountService
from linli_identity.audit.dependencies import ActorDep
from linli_identity.config import IdentitySettings
from linli_shared.dependencies import ContextSession


def settings_of(request: Request) -> IdentitySettings:
    settings: IdentitySettings = request.app.state.settings
    return settings


SettingsDep = Annotated[IdentitySettings, Depends(settings_of)]


def account_service(session: ContextSession, actor: ActorDep, settings: SettingsDep) -> AccountService:
    return AccountService(session, actor, settings)


AccountServiceDep = Annotated[AccountService, Depends(account_service)]
