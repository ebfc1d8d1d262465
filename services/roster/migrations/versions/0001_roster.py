"""Roster: tenant directory, areas (grid → micro-grid → building), volunteers, stacked roles, history.

Revision ID: 0001
Revises:
"""

from alembic import op

from linli_shared.migrations import grant_app, messaging_tables, tenant_directory_table, tenant_rls

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.execute(messaging_tables() + tenant_directory_table())
    op.execute(
        """
        create table areas (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            parent_id uuid,
            kind varchar(16) not null check (kind in ('grid', 'micro_grid', 'building')),
            name varchar(60) not null,
            responsible_volunteer_id uuid,
            active boolean not null default true,
            created_at timestamptz not null default now(),
            updated_at timestamptz not null default now(),
            primary key (tenant_id, id),
            foreign key (tenant_id, parent_id) references areas (tenant_id, id)
        );
        create unique index areas_unique_name on areas (tenant_id, parent_id, name) nulls not distinct
            where active;
        create index areas_path on areas using gist (tenant_path);

        create table volunteers (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            name varchar(50) not null,
            phone varchar(20) not null,
            id_number_sealed bytea,
            id_number_hint varchar(4),
            building_id uuid,
            skills varchar(30)[] not null default '{}',
            availability varchar(200) not null default '',
            party_member boolean not null default false,
            joined_on date not null,
            channel varchar(32) not null,
            tier varchar(16) not null default 'volunteer' check (tier in ('volunteer', 'backbone', 'reserve')),
            status varchar(16) not null default 'active' check (status in ('active', 'exited')),
            user_id uuid,
            version integer not null default 1,
            created_at timestamptz not null default now(),
            updated_at timestamptz not null default now(),
            primary key (tenant_id, id),
            foreign key (tenant_id, building_id) references areas (tenant_id, id)
        );
        create unique index volunteers_one_phone on volunteers (tenant_id, phone) where status = 'active';
        create index volunteers_path on volunteers using gist (tenant_path);
        create index volunteers_list on volunteers (tenant_id, status, tier, name, id);
        create index volunteers_name_trgm on volunteers using gin (name gin_trgm_ops);
        create index volunteers_phone_trgm on volunteers using gin (phone gin_trgm_ops);

        create table volunteer_roles (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            volunteer_id uuid not null,
            role varchar(32) not null,
            area_id uuid,
            scope_note varchar(100) not null default '',
            starts_on date not null,
            ends_on date,
            ended_reason text,
            primary key (tenant_id, id),
            foreign key (tenant_id, volunteer_id) references volunteers (tenant_id, id),
            foreign key (tenant_id, area_id) references areas (tenant_id, id),
            check (ends_on is null or ends_on >= starts_on)
        );
        create index volunteer_roles_of on volunteer_roles (tenant_id, volunteer_id);
        create index volunteer_roles_path on volunteer_roles using gist (tenant_path);

        create table volunteer_changes (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            volunteer_id uuid not null,
            change varchar(32) not null,
            detail varchar(32) not null default '',
            reason text not null default '',
            by_user varchar(80) not null,
            at timestamptz not null default now(),
            primary key (tenant_id, id),
            foreign key (tenant_id, volunteer_id) references volunteers (tenant_id, id)
        );
        create index volunteer_changes_path on volunteer_changes using gist (tenant_path);
        """
    )
    op.execute("".join(tenant_rls(table) for table in ("areas", "volunteers", "volunteer_roles", "volunteer_changes")))
    op.execute(grant_app(op.get_context().config.attributes["app_role"]))
    # history is append-only (its path follows a moved committee)
    app = op.get_context().config.attributes["app_role"]
    op.execute(f"revoke update on volunteer_changes from {app}; grant update (tenant_path) on volunteer_changes to {app};")
