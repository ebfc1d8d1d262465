from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from linli_identity.auth.schemas import EmailAddress, Password
from linli_shared.tenancy import Role
from linli_shared.validation import PLAIN_TEXT

DisplayName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=PLAIN_TEXT)
]


class InvitationStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REVOKED = "revoked"
    EXPIRED = "expired"


class InvitationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailAddress
    display_name: DisplayName
    role: Role


class InvitationOut(BaseModel):
    id: uuid.UUID
    tenant_id: uuid.UUID
    email: str
    display_name: str
    role: Role
    status: InvitationStatus
    expires_at: datetime
    created_at: datetime
    accepted_at: datetime | None


class InvitationIssued(InvitationOut):
    """Returned once, at creation: the link is not stored and cannot be shown again."""

    token: str
    url: str


class InvitationAccept(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: Annotated[str, StringConstraints(min_length=20, max_length=200)]
    password: Password
    display_name: DisplayName | None = None


class MembershipOut(BaseModel):
    id: uuid.UUID
    tenant_id: uuid.UUID
    user_id: uuid.UUID
    email: str
    display_name: str
    role: Role
    created_at: datetime
    revoked_at: datetime | None
