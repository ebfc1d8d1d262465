from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import exists, or_, select, update
from sqlalchemy.orm import Session

from linli_identity.accounts.models import Membership, User
from linli_identity.auth.models import RefreshToken, RevokedAccessToken, ServiceClient, SigningKey
from linli_identity.tenants.models import Tenant


class AuthRepository:
    """Credential tables. They are not tenant rows: each is reached only through a presented secret."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def user_by_email(self, email: str) -> User | None:
        return self.session.scalars(select(User).where(User.email == email).with_for_update()).first()

    def user_by_phone(self, phone: str) -> User | None:
        return self.session.scalars(select(User).where(User.phone == phone).with_for_update()).first()

    def user(self, user_id: uuid.UUID) -> User | None:
        return self.session.get(User, user_id)

    def live_memberships(self, user_id: uuid.UUID) -> Sequence[tuple[Membership, Tenant]]:
        rows = self.session.execute(
            select(Membership, Tenant)
            .join(Tenant, Tenant.id == Membership.tenant_id)
            .where(Membership.user_id == user_id, Membership.revoked_at.is_(None), Tenant.active.is_(True))
        ).all()
        return [(membership, tenant) for membership, tenant in rows]

    def refresh_token(self, token_hash: str) -> RefreshToken | None:
        return self.session.scalars(
            select(RefreshToken).where(RefreshToken.token_hash == token_hash).with_for_update()
        ).first()

    def add(self, row: object) -> None:
        self.session.add(row)
        self.session.flush()

    def revoke_family(self, family_id: uuid.UUID, now: datetime) -> None:
        self.session.execute(
            update(RefreshToken)
            .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )

    def revoke_refresh_tokens(
        self, now: datetime, user_ids: Sequence[uuid.UUID], membership_id: uuid.UUID | None = None
    ) -> None:
        query = update(RefreshToken).where(
            RefreshToken.user_id.in_(user_ids), RefreshToken.revoked_at.is_(None)
        )
        if membership_id is not None:
            query = query.where(RefreshToken.membership_id == membership_id)
        self.session.execute(query.values(revoked_at=now))

    def is_access_token_revoked(self, jti: str) -> bool:
        return bool(self.session.scalar(select(exists().where(RevokedAccessToken.jti == jti))))

    def signing_keys(self, now: datetime) -> Sequence[SigningKey]:
        """Keys still published: active ones and retired ones whose tokens may still be valid."""
        return self.session.scalars(
            select(SigningKey)
            .where(or_(SigningKey.expires_at.is_(None), SigningKey.expires_at > now))
            .order_by(SigningKey.created_at.desc())
        ).all()

    def retire_active_keys(self, now: datetime, expires_at: datetime) -> None:
        self.session.execute(
            update(SigningKey)
            .where(SigningKey.retired_at.is_(None))
            .values(retired_at=now, expires_at=expires_at)
        )

    def service_client(self, client_id: str) -> ServiceClient | None:
        return self.session.get(ServiceClient, client_id)
