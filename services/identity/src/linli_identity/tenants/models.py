from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, DateTime, Enum, ForeignKey, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from linli_identity.database import IdentityBase
from linli_shared.db import Ltree


class TenantKind(StrEnum):
    DISTRICT = "district"
    TOWN = "town"
    COMMITTEE = "committee"


#: what each kind of node may hang under; districts hang under the platform root.
PARENT_KIND = {
    TenantKind.DISTRICT: None,
    TenantKind.TOWN: TenantKind.DISTRICT,
    TenantKind.COMMITTEE: TenantKind.TOWN,
}


class Tenant(IdentityBase):
    """A node of the tree: district (区) → town/sub-district (镇/街道) → neighbourhood committee (居民区)."""

    __tablename__ = "tenants"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tenants.id"))
    #: read back as a `TenantKind`, not a bare string (the column stays a varchar with a check constraint)
    kind: Mapped[TenantKind] = mapped_column(
        Enum(TenantKind, native_enum=False, length=16, values_callable=lambda kinds: [k.value for k in kinds])
    )
    name: Mapped[str] = mapped_column(String(100))
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    path: Mapped[str] = mapped_column(Ltree, unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    deactivation_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    deactivated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
