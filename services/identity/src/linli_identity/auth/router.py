from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form

from linli_identity.accounts.dependencies import SettingsDep
from linli_identity.audit.dependencies import ActorDep
from linli_identity.auth.dependencies import AuthServiceDep, DatabaseDep, PublicAuthServiceDep
from linli_identity.auth.repository import AuthRepository
from linli_identity.auth.schemas import (
    LoginRequest,
    LogoutRequest,
    Me,
    PasswordChange,
    RefreshRequest,
    ServiceToken,
    TokenPair,
)
from linli_identity.auth.service import AuthService, Outcome
from linli_identity.auth.tokens import TokenIssuer
from linli_shared.auth import CurrentContext
from linli_shared.openapi import PROBLEM_RESPONSES
from linli_shared.validation import PLAIN_TEXT

router = APIRouter(tags=["auth"], responses=PROBLEM_RESPONSES)


def _settle(outcome: Outcome) -> TokenPair:
    # Called after the transaction committed, so counters and revocations persist even on refusal.
    if outcome.refusal is not None:
        raise outcome.refusal
    assert outcome.tokens is not None
    return outcome.tokens


@router.post("/v1/auth/login", summary="Log in with email or phone, and password")
def login(body: LoginRequest, database: DatabaseDep, settings: SettingsDep) -> TokenPair:
    with database.transaction() as session:
        outcome = AuthService(session, settings).login(body.email, body.phone, body.password, body.tenant_id)
    return _settle(outcome)


@router.post("/v1/auth/refresh", summary="Trade a refresh token for new tokens (the old one stops working)")
def refresh(body: RefreshRequest, database: DatabaseDep, settings: SettingsDep) -> TokenPair:
    with database.transaction() as session:
        outcome = AuthService(session, settings).refresh(body.refresh_token)
    return _settle(outcome)


@router.post("/v1/auth/logout", status_code=204, summary="End this session: the tokens stop working")
def logout(body: LogoutRequest, actor: ActorDep, service: AuthServiceDep) -> None:
    service.logout(actor, body.refresh_token)


@router.post("/v1/auth/password", summary="Change your password; other sessions end")
def change_password(body: PasswordChange, actor: ActorDep, service: AuthServiceDep) -> TokenPair:
    return service.change_password(actor, body.current_password, body.new_password)


@router.get("/v1/me", summary="Who you are, where you act, and your other memberships")
def me(context: CurrentContext, service: AuthServiceDep) -> Me:
    return service.me(context)


@router.post("/v1/oauth/token", summary="Client credentials grant for Linli services")
def service_token(
    grant_type: Annotated[Literal["client_credentials"], Form()],
    client_id: Annotated[str, Form(min_length=1, max_length=64, pattern=PLAIN_TEXT)],
    client_secret: Annotated[str, Form(min_length=1, max_length=200)],
    service: PublicAuthServiceDep,
) -> ServiceToken:
    return service.client_credentials(client_id, client_secret)


@router.get("/.well-known/jwks.json", summary="Public keys that verify Linli tokens")
def jwks(service: PublicAuthServiceDep, settings: SettingsDep) -> dict[str, Any]:
    return TokenIssuer(settings).jwks(AuthRepository(service.session))
