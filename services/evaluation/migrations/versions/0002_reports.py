"""Reports: scheduling's project names (records carry only the project id).

Revision ID: 0002_reports
Revises: 0001
"""

from alembic import op

from linli_shared.migrations import grant_app, tenant_rls

revision = "0002_reports"
down_revision = "0001"


def upgrade() -> None:
    op.execute(
        """
        create table project_facts (
            tenant_id uuid not null,
            project_id uuid not null,
            tenant_path ltree not null,
            name varchar(100) not null,
            updated_at timestamptz not null default now(),
            primary key (tenant_id, project_id)
        );
        create index project_facts_path on project_facts using gist (tenant_path);
        """
    )
    op.execute(tenant_rls("project_facts"))
    op.execute(grant_app(op.get_context().config.attributes["app_role"]))


def downgrade() -> None:
    op.execute("drop table project_facts;")
