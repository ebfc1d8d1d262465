"""Evaluation: find the committees with ledger entries still to tally, by path, without reading the ledger.

The beat's every-5-seconds question ("which committees have unapplied entries?") is asked at the root; row
security adds a `tenant_path <@ …` filter the planner cannot estimate, and with only the whole-ledger path
index it read every entry. A partial index over the pending entries keeps the question as small as the
backlog.

Revision ID: 0003_pending_by_path
Revises: 0001
"""

from alembic import op

revision = "0003_pending_by_path"
down_revision = "0001"


def upgrade() -> None:
    op.execute(
        "create index ledger_entries_pending_path on ledger_entries using gist (tenant_path) "
        "where applied_at is null"
    )
