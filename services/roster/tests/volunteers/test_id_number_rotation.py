"""Rotating the ID-number key: new writes use the new key, the chore moves old rows, values survive."""

import random
import uuid
from datetime import date

from sqlalchemy import select

from linli_roster.protection import IdNumberCipher
from linli_roster.volunteers.models import Volunteer
from linli_roster.volunteers.tasks import reencrypt_id_numbers
from linli_shared.tenancy import Role, TenantContext

OLD = "old:" + "66" * 32
NEW = "new:" + "77" * 32


def test_rotation_moves_every_row_to_the_new_key_and_keeps_the_values(roster_database, world):
    committee = world.committee
    context = TenantContext(tenant_id=committee.id, tenant_path=committee.path, role=Role.TENANT_ADMIN)
    old = IdNumberCipher(OLD)
    numbers = {}
    with roster_database.transaction(context) as session:
        for n in range(3):
            number = f"31011619800101{n:03d}X"
            volunteer = Volunteer(
                tenant_id=committee.id,
                id=uuid.uuid4(),
                tenant_path=committee.path,
                name=f"轮换{n}",
                phone=f"13{random.randrange(10**9):09d}",
                id_number_sealed=old.seal(number, str(committee.id)),
                id_number_hint=number[-4:],
                joined_on=date(2024, 1, 1),
                channel="imported",
            )
            session.add(volunteer)
            numbers[volunteer.id] = number

    rotated = IdNumberCipher(f"{NEW},{OLD}")
    assert reencrypt_id_numbers(roster_database, rotated, context) == 3
    assert reencrypt_id_numbers(roster_database, rotated, context) == 0, "idempotent"
    with roster_database.transaction(context) as session:
        rows = session.scalars(select(Volunteer).where(Volunteer.id.in_(numbers))).all()
    assert {rotated.key_of(row.id_number_sealed) for row in rows} == {"new"}
    new_only = IdNumberCipher(NEW)
    assert {row.id: new_only.open(row.id_number_sealed, str(row.tenant_id)) for row in rows} == numbers
