"""Audits: the population an audit plan was drawn from, kept on the plan so the draw stays verifiable.

Revision ID: 0002_audits
Revises: 0001
"""

from alembic import op

from linli_shared.migrations import grant_app

revision = "0002_audits"
down_revision = "0001"


def upgrade() -> None:
    op.execute(
        """
        alter table audit_plans add column population_snapshot jsonb
            check (population_snapshot is null or jsonb_typeof(population_snapshot) = 'array');
        -- a town's or district's plans, tasks and reports are read by subtree
        create index audit_plans_path on audit_plans using gist (tenant_path);
        create index audit_tasks_path on audit_tasks using gist (tenant_path);
        """
    )
    op.execute(grant_app(op.get_context().config.attributes["app_role"]))


def downgrade() -> None:
    op.execute(
        "drop index audit_tasks_path; drop index audit_plans_path;"
        " alter table audit_plans drop column population_snapshot;"
    )
