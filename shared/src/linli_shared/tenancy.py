"""Who is acting, for which node of the tenant tree.

The tree is district (区) → town (镇/街道) → committee (居民区). Every node has an `ltree` path under the
platform root label, e.g. ``linli.t3f2a….t91bc….t77aa…``; a context sees its own node and its subtree.
A `TenantContext` is built only by the auth dependency (from a verified token), by the consumer runner
(from an event envelope) or by a service's own bootstrap code — never from request input.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

ROOT_LABEL = "linli"
_PATH = re.compile(r"^linli(\.t[0-9a-f]{32})*$")


class Role(StrEnum):
    PLATFORM = "platform"
    SERVICE = "service"
    DISTRICT_ADMIN = "district_admin"
    TOWN_ADMIN = "town_admin"
    TENANT_ADMIN = "tenant_admin"
    STAFF = "staff"
    AUDITOR = "auditor"
    VOLUNTEER = "volunteer"


def path_label(tenant_id: uuid.UUID) -> str:
    return "t" + tenant_id.hex


def child_path(parent_path: str, tenant_id: uuid.UUID) -> str:
    return f"{parent_path}.{path_label(tenant_id)}"


def is_valid_path(path: str) -> bool:
    return bool(_PATH.match(path))


def is_within(path: str, ancestor: str) -> bool:
    """`path <@ ancestor` in Python, for checks made before touching the database."""
    return path == ancestor or path.startswith(ancestor + ".")


@dataclass(frozen=True, slots=True)
class TenantContext:
    tenant_id: uuid.UUID | None
    tenant_path: str
    role: Role
    user_id: uuid.UUID | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)
    subject: str = ""
    #: the access token's id and expiry (for logout and revocation); absent outside requests.
    token_id: str | None = None
    token_expires_at: datetime | None = None

    def __post_init__(self) -> None:
        if not is_valid_path(self.tenant_path):
            raise ValueError(f"not a tenant path: {self.tenant_path!r}")

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def sees(self, path: str) -> bool:
        return is_within(path, self.tenant_path)
