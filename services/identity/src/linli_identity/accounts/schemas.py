from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints, model_validator

from linli_identity.auth.schemas import EmailAddress, Password, PhoneNumber
from linli_shared.tenancy import Role
from linli_shared.validation import PLAIN_TEXT

DisplayName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=PLAIN_TEXT)
]
#: another service's record of the person, ``<service>:<kind>:<uuid>``
ExternalRef = Annotated[
    str,
    StringConstraints(
        max_length=80,
        pattern=r"^[a-z][a-z0-9_]{0,19}:[a-z][a-z0-9_]{0,19}:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
    ),
]


class _Reachable(BaseModel):
    """An invitation reaches its person by email or by phone: exactly one."""

    model_config = ConfigDict(extra="forbid")

    email: EmailAddress | None = None
    phone: PhoneNumber | None = None

    @model_validator(mode="after")
    def _one_contact(self) -> _Reachable:
        if (self.email is None) == (self.phone is None):
            raise ValueError("give either an email or a phone number")
        return self


class InvitationStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REVOKED = "revoked"
    EXPIRED = "expired"


class InvitationCreate(_Reachable):
    display_name: DisplayName
    role: Role


class VolunteerInvitationCreate(_Reachable):
    """A service invites a committee's volunteer, naming its own record of them."""

    display_name: DisplayName
    external_ref: ExternalRef


class InvitationOut(BaseModel):
    id: uuid.UUID
    tenant_id: uuid.UUID
    email: str | None
    phone: str | None
    external_ref: str | None
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
    email: str | None
    phone: str | None
    display_name: str
    role: Role
    created_at: datetime
    revoked_at: datetime | None
