"""Scheduling: look shifts, sign-ups and records up by their id alone.

The primary keys lead with the tenant, but a request names a shift by its id and leaves the tenant to
row-level security (a town admin reads many committees' shifts); without these, such a lookup reads every
shift of the committee.

Revision ID: 0002_lookups_by_id
Revises: 0001
"""

from alembic import op

revision = "0002_lookups_by_id"
down_revision = "0001"


def upgrade() -> None:
    op.execute(
        """
        create index shifts_by_id on shifts (id);
        create index signups_by_id on signups (id);
        create index attendances_by_id on attendances (id);
        create index service_records_by_id on service_records (id);
        """
    )
