"""Identity: tenant tree, users, memberships, invitations, tokens, audit log, outbox/inbox, row-level security.

Revision ID: 0001
Revises:
"""

from alembic import op

from linli_shared.migrations import CONTEXT_PATH, messaging_tables

revision = "0001"
down_revision = None

LOGIN_USER = "nullif(current_setting('app.login_user', true), '')::uuid"
LOGIN_EMAIL = "nullif(current_setting('app.login_email', true), '')"
INVITATION = "nullif(current_setting('app.invitation_hash', true), '')"


def upgrade() -> None:
    app = op.get_context().config.attributes["app_role"]
    op.execute(messaging_tables())
    op.execute(
        """
        create table tenants (
            id uuid primary key,
            parent_id uuid references tenants(id),
            kind varchar(16) not null check (kind in ('district', 'town', 'committee')),
            name varchar(100) not null,
            slug varchar(64) not null unique,
            path ltree not null unique,
            active boolean not null default true,
            deactivation_reason text,
            created_at timestamptz not null default now(),
            updated_at timestamptz not null default now(),
            deactivated_at timestamptz
        );
        create index tenants_path_gist on tenants using gist (path);
        create index tenants_parent on tenants (parent_id);

        create table users (
            id uuid primary key,
            email varchar(254) not null unique,
            display_name varchar(100) not null,
            password_hash varchar(200) not null,
            failed_logins integer not null default 0,
            locked_until timestamptz,
            password_changed_at timestamptz not null default now(),
            created_at timestamptz not null default now()
        );

        create table memberships (
            tenant_id uuid not null references tenants(id),
            id uuid not null,
            tenant_path ltree not null,
            user_id uuid not null references users(id),
            role varchar(32) not null,
            granted_by uuid,
            created_at timestamptz not null default now(),
            revoked_at timestamptz,
            primary key (tenant_id, id)
        );
        create unique index memberships_one_live_role on memberships (tenant_id, user_id, role)
            where revoked_at is null;
        create index memberships_user on memberships (user_id);
        create index memberships_path_gist on memberships using gist (tenant_path);

        create table invitations (
            tenant_id uuid not null references tenants(id),
            id uuid not null,
            tenant_path ltree not null,
            email varchar(254) not null,
            display_name varchar(100) not null,
            role varchar(32) not null,
            token_hash varchar(64) not null unique,
            invited_by uuid not null,
            expires_at timestamptz not null,
            created_at timestamptz not null default now(),
            accepted_at timestamptz,
            accepted_user_id uuid,
            revoked_at timestamptz,
            primary key (tenant_id, id)
        );
        create index invitations_path_gist on invitations using gist (tenant_path);

        create table audit_log (
            tenant_id uuid not null,
            id bigint generated always as identity,
            tenant_path ltree not null,
            actor varchar(80) not null,
            actor_role varchar(32) not null,
            action varchar(64) not null,
            target_type varchar(32) not null,
            target_id varchar(64) not null,
            details jsonb not null default '{}',
            ip inet,
            occurred_at timestamptz not null default now(),
            primary key (tenant_id, id)
        );
        create index audit_log_path_gist on audit_log using gist (tenant_path);
        create index audit_log_recent on audit_log (occurred_at desc, id desc);

        create table signing_keys (
            kid varchar(64) primary key,
            private_key_encrypted bytea not null,
            public_jwk jsonb not null,
            created_at timestamptz not null default now(),
            retired_at timestamptz,
            expires_at timestamptz
        );

        create table refresh_tokens (
            id uuid primary key,
            family_id uuid not null,
            token_hash varchar(64) not null unique,
            user_id uuid not null references users(id),
            tenant_id uuid not null,
            membership_id uuid not null,
            issued_at timestamptz not null default now(),
            expires_at timestamptz not null,
            rotated_at timestamptz,
            revoked_at timestamptz
        );
        create index refresh_tokens_family on refresh_tokens (family_id);
        create index refresh_tokens_user on refresh_tokens (user_id);

        create table revoked_access_tokens (
            jti varchar(64) primary key,
            user_id uuid,
            expires_at timestamptz not null
        );

        create table service_clients (
            client_id varchar(64) primary key,
            secret_hash varchar(200) not null,
            scopes varchar(64)[] not null,
            role varchar(32) not null default 'service',
            created_at timestamptz not null default now(),
            disabled_at timestamptz
        );

        """
    )
    # Row-level security, forced so that even the owner is filtered. A context sees its node and subtree;
    # the login and invitation flows see exactly the rows their presented credential names.
    op.execute(
        f"""
        alter table tenants enable row level security;
        alter table tenants force row level security;
        create policy tenants_in_context on tenants
            using (path <@ {CONTEXT_PATH}
                   or id in (select m.tenant_id from memberships m where m.user_id = {LOGIN_USER}))
            with check (path <@ {CONTEXT_PATH});

        alter table memberships enable row level security;
        alter table memberships force row level security;
        create policy memberships_in_context on memberships
            using (tenant_path <@ {CONTEXT_PATH} or user_id = {LOGIN_USER})
            with check (tenant_path <@ {CONTEXT_PATH});

        alter table invitations enable row level security;
        alter table invitations force row level security;
        create policy invitations_in_context on invitations
            using (tenant_path <@ {CONTEXT_PATH} or token_hash = {INVITATION})
            with check (tenant_path <@ {CONTEXT_PATH});

        alter table users enable row level security;
        alter table users force row level security;
        create policy users_in_context on users
            using (id in (select m.user_id from memberships m)
                   or id = {LOGIN_USER} or email = {LOGIN_EMAIL})
            with check (true);

        alter table audit_log enable row level security;
        alter table audit_log force row level security;
        create policy audit_log_in_context on audit_log
            using (tenant_path <@ {CONTEXT_PATH})
            with check (tenant_path <@ {CONTEXT_PATH});
        """
    )
    # Append-only audit log: its content can never change; only its tree path follows a moved node.
    op.execute(
        f"""
        grant select, insert, update on all tables in schema public to {app};
        revoke update on audit_log from {app};
        grant update (tenant_path) on audit_log to {app};
        grant delete on outbox, revoked_access_tokens to {app};
        """
    )
