"""Feedback: residents' ratings are counted per client (keyed hash) for the hourly rate limit.

Revision ID: 0002_feedback
Revises: 0001
"""

from alembic import op

from linli_shared.migrations import grant_app

revision = "0002_feedback"
down_revision = "0001"


def upgrade() -> None:
    # the public page counts one client's ratings of the last hour before taking another
    op.execute("create index ratings_of_client on ratings (tenant_id, client_hash, submitted_at);")
    op.execute(grant_app(op.get_context().config.attributes["app_role"]))
