"""Logging in and out, refreshing, changing passwords, service credentials."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from linli_identity.accounts.models import Membership, User
from linli_identity.accounts.roles import ROLE_RANK
from linli_identity.audit.repository import AuditRepository
from linli_identity.audit.service import Actor, record
from linli_identity.auth.exceptions import (
    InvalidClient,
    InvalidCredentials,
    InvalidRefreshToken,
    WrongPassword,
)
from linli_identity.auth.models import RevokedAccessToken
from linli_identity.auth.passwords import burn_verification_time, hash_password, verify_password
from linli_identity.auth.repository import AuthRepository
from linli_identity.auth.schemas import Me, MembershipSummary, ServiceToken, TokenPair
from linli_identity.auth.tokens import TokenIssuer, now, token_hash
from linli_identity.config import IdentitySettings
from linli_identity.database import messaging
from linli_identity.events import types as events
from linli_identity.tenants.models import Tenant
from linli_shared.db import act_as
from linli_shared.tenancy import Role, TenantContext


@dataclass(frozen=True)
class Outcome:
    """Login and refresh must commit their bookkeeping (failed-attempt counters, family revocation) even
    when they refuse, so they return the refusal for the edge to raise after the commit."""

    tokens: TokenPair | None = None
    refusal: Exception | None = None


class AuthService:
    def __init__(self, session: Session, settings: IdentitySettings) -> None:
        self.session = session
        self.settings = settings
        self.repository = AuthRepository(session)
        self.issuer = TokenIssuer(settings)

    def login(
        self, email: str | None, phone: str | None, password: str, tenant_id: uuid.UUID | None
    ) -> Outcome:
        """By email or by phone; every refusal is the same generic one."""
        user: User | None = None
        if email is not None:
            act_as(self.session, login_email=email)
            user = self.repository.user_by_email(email)
        elif phone is not None:
            act_as(self.session, login_phone=phone)
            user = self.repository.user_by_phone(phone)
        if user is None:
            burn_verification_time(password)
            return Outcome(refusal=InvalidCredentials())
        current = now()
        if user.locked_until is not None and user.locked_until > current:
            burn_verification_time(password)
            return Outcome(refusal=InvalidCredentials())
        if not verify_password(user.password_hash, password):
            user.failed_logins += 1
            if user.failed_logins >= self.settings.max_failed_logins:
                user.failed_logins = 0
                user.locked_until = current + timedelta(minutes=self.settings.lockout_minutes)
            return Outcome(refusal=InvalidCredentials())
        user.failed_logins = 0
        user.locked_until = None
        act_as(self.session, login_user=str(user.id))
        chosen = self._choose_membership(user.id, tenant_id)
        if chosen is None:
            return Outcome(refusal=InvalidCredentials())
        return Outcome(tokens=self._issue(user.id, *chosen))

    def refresh(self, presented: str) -> Outcome:
        token = self.repository.refresh_token(token_hash(presented))
        current = now()
        if token is None or token.revoked_at is not None or token.expires_at <= current:
            return Outcome(refusal=InvalidRefreshToken("The refresh token is not valid."))
        if token.rotated_at is not None:
            # A rotated token came back: it was stolen or replayed. End the whole session family.
            self.repository.revoke_family(token.family_id, current)
            return Outcome(refusal=InvalidRefreshToken("The refresh token was already used."))
        token.rotated_at = current
        act_as(self.session, login_user=str(token.user_id))
        chosen = self._choose_membership(token.user_id, token.tenant_id)
        if chosen is None or chosen[0].id != token.membership_id:
            return Outcome(refusal=InvalidRefreshToken("The membership behind this session has ended."))
        return Outcome(tokens=self._issue(token.user_id, *chosen, family_id=token.family_id))

    def logout(self, actor: Actor, refresh_token: str | None) -> None:
        context = actor.context
        user_id = _user_of(context)
        jti = self._revoke_current_token(context, user_id)
        if refresh_token is not None:
            token = self.repository.refresh_token(token_hash(refresh_token))
            if token is not None and token.user_id == user_id:
                self.repository.revoke_family(token.family_id, now())
        self._announce_revocation(context, user_id, [jti], "logout")

    def change_password(self, actor: Actor, current: str, new: str) -> TokenPair:
        context = actor.context
        user_id = _user_of(context)
        act_as(self.session, login_user=str(user_id))
        user = self.repository.user(user_id)
        if user is None or not verify_password(user.password_hash, current):
            raise WrongPassword()
        if current == new:
            raise WrongPassword("The new password must differ from the current one.")
        user.password_hash = hash_password(new)
        user.password_changed_at = now()
        self.repository.revoke_refresh_tokens(now(), [user_id])
        jti = self._revoke_current_token(context, user_id)
        self._announce_revocation(context, user_id, [jti], "password changed")
        if context.tenant_id is not None and context.tenant_path:
            record(
                AuditRepository(self.session, context),
                actor,
                tenant_id=context.tenant_id,
                tenant_path=context.tenant_path,
                action="user.password_changed",
                target_type="user",
                target_id=user_id,
            )
        chosen = self._choose_membership(user_id, context.tenant_id)
        if chosen is None:
            raise InvalidCredentials()
        return self._issue(user_id, *chosen)

    def client_credentials(self, client_id: str, secret: str) -> ServiceToken:
        client = self.repository.service_client(client_id)
        if client is None or client.disabled_at is not None:
            burn_verification_time(secret)
            raise InvalidClient()
        if not verify_password(client.secret_hash, secret):
            raise InvalidClient()
        token, expires_in = self.issuer.service_token(self.repository, client.client_id, list(client.scopes))
        return ServiceToken(access_token=token, expires_in=expires_in, scope=" ".join(sorted(client.scopes)))

    def me(self, context: TenantContext) -> Me:
        user_id = _user_of(context)
        act_as(self.session, login_user=str(user_id))
        user = self.repository.user(user_id)
        if user is None:
            raise InvalidCredentials()
        memberships = self.repository.live_memberships(user_id)
        return Me(
            user_id=user.id,
            email=user.email,
            phone=user.phone,
            display_name=user.display_name,
            tenant_id=context.tenant_id,
            role=context.role.value,
            scopes=sorted(context.scopes),
            memberships=[
                MembershipSummary(
                    membership_id=membership.id,
                    tenant_id=tenant.id,
                    tenant_name=tenant.name,
                    tenant_kind=tenant.kind,
                    role=membership.role,
                )
                for membership, tenant in memberships
            ],
        )

    def issue_for(self, user: User, membership: Membership, tenant: Tenant) -> TokenPair:
        """Tokens right after a flow that proved who the user is (an accepted invitation)."""
        return self._issue(user.id, membership, tenant)

    def _choose_membership(
        self, user_id: uuid.UUID, tenant_id: uuid.UUID | None
    ) -> tuple[Membership, Tenant] | None:
        live = self.repository.live_memberships(user_id)
        if tenant_id is not None:
            live = [(membership, tenant) for membership, tenant in live if tenant.id == tenant_id]
        ranked = sorted(live, key=lambda pair: (ROLE_RANK.get(Role(pair[0].role), 99), pair[1].path))
        return ranked[0] if ranked else None

    def _issue(
        self, user_id: uuid.UUID, membership: Membership, tenant: Tenant, family_id: uuid.UUID | None = None
    ) -> TokenPair:
        access, expires_in = self.issuer.access_token(self.repository, user_id, membership, tenant)
        refresh = self.issuer.refresh_token(self.repository, membership, family_id)
        return TokenPair(
            access_token=access,
            refresh_token=refresh,
            expires_in=expires_in,
            tenant_id=tenant.id,
            role=membership.role,
        )

    def _revoke_current_token(self, context: TenantContext, user_id: uuid.UUID) -> str:
        jti, expires_at = context.token_id, context.token_expires_at
        if jti is None or expires_at is None:
            raise InvalidCredentials()
        self.repository.add(RevokedAccessToken(jti=jti, user_id=user_id, expires_at=expires_at))
        return jti

    def _announce_revocation(
        self, context: TenantContext, user_id: uuid.UUID, jtis: list[str], reason: str
    ) -> None:
        messaging.publish(
            self.session,
            events.SESSIONS_REVOKED,
            events.SessionsRevokedV1(user_id=user_id, access_token_ids=jtis, reason=reason),
            subject=user_id,
            tenant_id=context.tenant_id,
            tenant_path=context.tenant_path,
        )


def _user_of(context: TenantContext) -> uuid.UUID:
    if context.user_id is None:
        raise InvalidCredentials()
    return context.user_id
