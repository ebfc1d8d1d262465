"""Roster: last-served projection and inactivity flags; versioned volunteer rules and acknowledgements.

Revision ID: 0006_activity_rules
Revises: 0001
"""

from alembic import op

from linli_shared.migrations import tenant_rls

revision = "0006_activity_rules"
down_revision = "0001"

TABLES = ("service_activity", "inactivity_flags", "rules_documents", "rules_acknowledgements")


def upgrade() -> None:
    op.execute(
        """
        create table service_activity (
            tenant_id uuid not null,
            volunteer_id uuid not null,
            tenant_path ltree not null,
            last_served_on date not null,
            records integer not null default 0,
            updated_at timestamptz not null default now(),
            primary key (tenant_id, volunteer_id)
        );
        create table inactivity_flags (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            volunteer_id uuid not null,
            flagged_on date not null,
            last_served_on date,
            cleared_on date,
            primary key (tenant_id, id),
            foreign key (tenant_id, volunteer_id) references volunteers (tenant_id, id)
        );
        create unique index inactivity_one_open_flag on inactivity_flags (tenant_id, volunteer_id)
            where cleared_on is null;
        create table rules_documents (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            version integer not null check (version > 0),
            title varchar(100) not null,
            body text not null,
            published_on date not null,
            created_at timestamptz not null default now(),
            primary key (tenant_id, id),
            unique (tenant_id, version)
        );
        create table rules_acknowledgements (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            document_id uuid not null,
            volunteer_id uuid not null,
            acknowledged_on date not null,
            recorded_by varchar(80) not null,
            primary key (tenant_id, id),
            unique (tenant_id, document_id, volunteer_id),
            foreign key (tenant_id, document_id) references rules_documents (tenant_id, id),
            foreign key (tenant_id, volunteer_id) references volunteers (tenant_id, id)
        );
        """
        + "".join(tenant_rls(table) for table in TABLES)
    )
    app = op.get_context().config.attributes["app_role"]
    op.execute(f"grant select, insert, update on {', '.join(TABLES)} to {app}")
    # rules and acknowledgements are records: never rewritten, only their path follows a moved committee
    for table in ("rules_documents", "rules_acknowledgements"):
        op.execute(f"revoke update on {table} from {app}; grant update (tenant_path) on {table} to {app}")
