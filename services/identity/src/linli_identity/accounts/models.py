from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, Integer, PrimaryKeyConstraint, String, func
from sqlalchemy.orm import Mapped, mapped_column

from linli_identity.database import IdentityBase
from linli_shared.db import Ltree
from linli_shared.tenancy import Role


class User(IdentityBase):
    """A person who can log in. Global: what they may see comes from their memberships."""

    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    #: a mainland mobile number; a user has an email, a phone, or both
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(200))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    password_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Membership(IdentityBase):
    """A user's role at one node of the tree. Revoked memberships stay, for history."""

    __tablename__ = "memberships"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    user_id: Mapped[uuid.UUID]
    role: Mapped[Role] = mapped_column(String(32))
    granted_by: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Invitation(IdentityBase):
    """A one-time, expiring link that lets a person set a password and join with a role."""

    __tablename__ = "invitations"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "id"),)

    tenant_id: Mapped[uuid.UUID]
    id: Mapped[uuid.UUID]
    tenant_path: Mapped[str] = mapped_column(Ltree)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(20))
    #: the record another service keeps for this person, e.g. ``roster:volunteer:<uuid>``
    external_ref: Mapped[str | None] = mapped_column(String(80))
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[Role] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by: Mapped[uuid.UUID]
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    accepted_user_id: Mapped[uuid.UUID | None]
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
