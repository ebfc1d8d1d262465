"""Platform chores run from the command line, acting as the platform root."""

from __future__ import annotations

import uuid

from linli_identity.accounts.roles import INVITATIONS_VOLUNTEER, ROLE_SCOPES
from linli_identity.audit.service import Actor
from linli_identity.auth.models import ServiceClient
from linli_identity.auth.passwords import hash_password
from linli_identity.auth.repository import AuthRepository
from linli_identity.auth.tokens import TokenIssuer
from linli_identity.config import IdentitySettings
from linli_identity.seed import PLATFORM
from linli_identity.tenants.service import TenantService
from linli_shared.db import Database
from linli_shared.tenancy import Role


def rotate_keys(database: Database, settings: IdentitySettings) -> str:
    with database.transaction() as session:
        return TokenIssuer(settings).rotate(AuthRepository(session)).kid


def create_district(database: Database, name: str, slug: str) -> uuid.UUID:
    with database.transaction(PLATFORM) as session:
        return TenantService(session, Actor(PLATFORM)).create_district(name, slug).id


#: service tokens act at the platform root, so they may only ever read, except for one narrow write:
#: inviting a committee's volunteers (the roster gives volunteers their logins)
SERVICE_SCOPES = frozenset(ROLE_SCOPES[Role.SERVICE]) | {INVITATIONS_VOLUNTEER}


def add_service_client(database: Database, client_id: str, secret: str, scopes: list[str]) -> None:
    unknown = sorted(set(scopes) - SERVICE_SCOPES)
    if unknown:
        raise ValueError(f"service clients may only hold {sorted(SERVICE_SCOPES)}; not {unknown}")
    with database.transaction() as session:
        existing = session.get(ServiceClient, client_id)
        if existing is None:
            session.add(ServiceClient(client_id=client_id, secret_hash=hash_password(secret), scopes=scopes))
        else:
            existing.secret_hash = hash_password(secret)
            existing.scopes = scopes
            existing.disabled_at = None
