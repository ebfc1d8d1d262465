"""Key rotation for ID numbers: after a new key is put in front of the ring, move old rows onto it."""

from __future__ import annotations

from sqlalchemy import select

from linli_roster.protection import IdNumberCipher
from linli_roster.volunteers.models import Volunteer
from linli_shared.db import Database
from linli_shared.tenancy import ROOT_LABEL, Role, TenantContext

#: a platform chore: it reads and rewrites sealed values of every committee, never their plaintext outside memory
PLATFORM = TenantContext(tenant_id=None, tenant_path=ROOT_LABEL, role=Role.SERVICE, subject="task:reencrypt")


def reencrypt_id_numbers(
    database: Database, cipher: IdNumberCipher, scope: TenantContext = PLATFORM, batch: int = 500
) -> int:
    """Re-seal every ID number in `scope` (the whole platform by default) not under the current key, a batch
    per transaction. Idempotent; returns how many were moved. Once it reports 0 the old key can go."""
    moved = 0
    while True:
        with database.transaction(scope) as session:
            stale = session.scalars(
                select(Volunteer)
                .where(
                    Volunteer.id_number_sealed.is_not(None),
                    ~Volunteer.id_number_sealed.startswith(cipher.current.encode() + b":"),
                )
                .limit(batch)
                .with_for_update(skip_locked=True)
            ).all()
            for volunteer in stale:
                assert volunteer.id_number_sealed is not None
                tenant = str(volunteer.tenant_id)
                volunteer.id_number_sealed = cipher.seal(
                    cipher.open(volunteer.id_number_sealed, tenant), tenant
                )
            moved += len(stale)
        if len(stale) < batch:
            return moved
