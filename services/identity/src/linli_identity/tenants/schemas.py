from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from linli_identity.tenants.models import TenantKind
from linli_shared.validation import PLAIN_TEXT

Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=PLAIN_TEXT)
]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")]
Reason = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500, pattern=PLAIN_TEXT)
]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class TenantCreate(_In):
    parent_id: uuid.UUID = Field(description="a district (for a town) or a town (for a committee)")
    name: Name
    slug: Slug = Field(description="short name used in portal URLs, e.g. ximen")

    model_config = ConfigDict(extra="forbid", strict=False)


class TenantRename(_In):
    name: Name


class TenantMove(_In):
    new_parent_id: uuid.UUID

    model_config = ConfigDict(extra="forbid", strict=False)


class TenantDeactivate(_In):
    reason: Reason


class TenantOut(BaseModel):
    id: uuid.UUID
    parent_id: uuid.UUID | None
    kind: TenantKind
    name: str
    slug: str
    path: str
    active: bool
    deactivation_reason: str | None
    created_at: datetime
    updated_at: datetime
    deactivated_at: datetime | None
