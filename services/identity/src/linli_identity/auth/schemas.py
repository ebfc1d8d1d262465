from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Password = Annotated[str, StringConstraints(min_length=10, max_length=128)]
EmailAddress = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        to_lower=True,
        max_length=254,
        pattern=r"^[^@\s\x00-\x1f\x7f]{1,64}@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$",
    ),
]
#: a mainland China mobile number, digits only
PhoneNumber = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^1[3-9][0-9]{9}$")]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoginRequest(_In):
    """Log in by email or by phone: exactly one of the two."""

    email: EmailAddress | None = None
    phone: PhoneNumber | None = None
    password: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    tenant_id: uuid.UUID | None = Field(
        default=None, description="which membership to act as; default: broadest"
    )

    @model_validator(mode="after")
    def _one_identifier(self) -> LoginRequest:
        if (self.email is None) == (self.phone is None):
            raise ValueError("give either an email or a phone number")
        return self


class RefreshRequest(_In):
    refresh_token: Annotated[str, StringConstraints(min_length=20, max_length=200)]


class LogoutRequest(_In):
    refresh_token: Annotated[str, StringConstraints(min_length=20, max_length=200)] | None = None


class PasswordChange(_In):
    current_password: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    new_password: Password


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int
    tenant_id: uuid.UUID
    role: str


class ServiceToken(BaseModel):
    access_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int
    scope: str


class MembershipSummary(BaseModel):
    membership_id: uuid.UUID
    tenant_id: uuid.UUID
    tenant_name: str
    tenant_kind: str
    role: str


class Me(BaseModel):
    user_id: uuid.UUID
    email: str | None
    phone: str | None
    display_name: str
    tenant_id: uuid.UUID | None
    role: str
    scopes: list[str]
    memberships: list[MembershipSummary]
