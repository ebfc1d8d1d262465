from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from linli_identity.accounts.models import Invitation, Membership, User
from linli_shared.db import within
from linli_shared.tenancy import TenantContext


class AccountRepository:
    def __init__(self, session: Session, context: TenantContext) -> None:
        self.session = session
        self.context = context

    def add(self, row: object) -> None:
        self.session.add(row)
        self.session.flush()

    def invitation(self, tenant_id: uuid.UUID, invitation_id: uuid.UUID) -> Invitation | None:
        return self.session.scalars(
            select(Invitation)
            .where(
                Invitation.tenant_id == tenant_id,
                Invitation.id == invitation_id,
                within(Invitation.tenant_path, self.context.tenant_path),
            )
            .with_for_update()
        ).first()

    def invitations(self, tenant_id: uuid.UUID) -> Sequence[Invitation]:
        return self.session.scalars(
            select(Invitation)
            .where(
                Invitation.tenant_id == tenant_id, within(Invitation.tenant_path, self.context.tenant_path)
            )
            .order_by(Invitation.created_at.desc())
        ).all()

    def revoke_pending_invitations(
        self, tenant_id: uuid.UUID, email: str | None, phone: str | None, role: str
    ) -> None:
        """A new invitation replaces the pending ones for the same person (by email or phone) and role."""
        same_person = Invitation.email == email if email is not None else Invitation.phone == phone
        self.session.execute(
            update(Invitation)
            .where(
                Invitation.tenant_id == tenant_id,
                same_person,
                Invitation.role == role,
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
                within(Invitation.tenant_path, self.context.tenant_path),
            )
            .values(revoked_at=func.now())
        )

    def memberships(self, tenant_id: uuid.UUID, include_revoked: bool) -> Sequence[tuple[Membership, User]]:
        query = (
            select(Membership, User)
            .join(User, User.id == Membership.user_id)
            .where(
                Membership.tenant_id == tenant_id, within(Membership.tenant_path, self.context.tenant_path)
            )
        )
        if not include_revoked:
            query = query.where(Membership.revoked_at.is_(None))
        rows = self.session.execute(query.order_by(Membership.created_at)).all()
        return [(membership, user) for membership, user in rows]

    def membership(self, membership_id: uuid.UUID) -> tuple[Membership, User] | None:
        row = self.session.execute(
            select(Membership, User)
            .join(User, User.id == Membership.user_id)
            .where(Membership.id == membership_id, within(Membership.tenant_path, self.context.tenant_path))
            .with_for_update(of=Membership)
        ).first()
        return (row[0], row[1]) if row else None

    def live_membership(self, tenant_id: uuid.UUID, user_id: uuid.UUID, role: str) -> Membership | None:
        return self.session.scalars(
            select(Membership).where(
                Membership.tenant_id == tenant_id,
                Membership.user_id == user_id,
                Membership.role == role,
                Membership.revoked_at.is_(None),
            )
        ).first()


class InvitationLookup:
    """Finds an invitation by its presented token only: the flow has no tenant until the token names one."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def by_token_hash(self, token_hash: str) -> Invitation | None:
        return self.session.scalars(
            select(Invitation).where(Invitation.token_hash == token_hash).with_for_update()
        ).first()

    def user_by_email(self, email: str) -> User | None:
        return self.session.scalars(select(User).where(User.email == email).with_for_update()).first()

    def user_by_phone(self, phone: str) -> User | None:
        return self.session.scalars(select(User).where(User.phone == phone).with_for_update()).first()
