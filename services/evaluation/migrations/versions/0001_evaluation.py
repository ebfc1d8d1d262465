"""Evaluation: roster and scheduling facts, the hours ledger and tallies, star levels and their policies.

Revision ID: 0001
Revises:
"""

from alembic import op

from linli_shared.migrations import grant_app, inherited_rls, messaging_tables, tenant_directory_table, tenant_rls

revision = "0001"
down_revision = None

TENANT_TABLES = (
    "volunteer_facts",
    "area_facts",
    "record_facts",
    "ledger_entries",
    "tallies",
    "reconciliations",
    "star_levels",
    "ratings",
    "audit_plans",
    "audit_tasks",
)


def upgrade() -> None:
    op.execute(messaging_tables() + tenant_directory_table())
    op.execute(
        """
        create table volunteer_facts (
            tenant_id uuid not null,
            volunteer_id uuid not null,
            tenant_path ltree not null,
            name varchar(50) not null,
            tier varchar(16) not null,
            status varchar(16) not null,
            party_member boolean not null default false,
            joined_on date not null,
            user_id uuid,
            updated_at timestamptz not null default now(),
            primary key (tenant_id, volunteer_id)
        );
        create index volunteer_facts_path on volunteer_facts using gist (tenant_path);

        create table area_facts (
            tenant_id uuid not null,
            area_id uuid not null,
            tenant_path ltree not null,
            parent_id uuid,
            kind varchar(16) not null,
            name varchar(60) not null,
            primary key (tenant_id, area_id)
        );

        create table record_facts (
            tenant_id uuid not null,
            record_id uuid not null,
            tenant_path ltree not null,
            volunteer_id uuid not null,
            volunteer_name varchar(50) not null,
            activity_id uuid not null,
            activity_name varchar(80) not null,
            activity_kind varchar(32) not null,
            project_id uuid,
            shift_id uuid,
            area_id uuid,
            grid_id uuid,
            place varchar(100) not null,
            recipient varchar(100) not null,
            content varchar(2000) not null,
            service_date date not null,
            started_at timestamptz not null,
            ended_at timestamptz not null,
            service_minutes integer not null,
            hours numeric(6, 2) not null,
            lead_name varchar(50) not null,
            recorder_name varchar(50) not null,
            source varchar(16) not null,
            late_entry boolean not null,
            self_reported boolean not null,
            auto_closed boolean not null,
            verified boolean not null,
            voided boolean not null default false,
            created_at timestamptz not null default now(),
            primary key (tenant_id, record_id)
        );
        create index record_facts_by_date on record_facts (tenant_id, service_date);
        create index record_facts_of_volunteer on record_facts (tenant_id, volunteer_id, service_date);
        create index record_facts_path on record_facts using gist (tenant_path);

        create table ledger_entries (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            source_id uuid not null,
            kind varchar(24) not null check (kind in
                ('recorded', 'adjusted', 'voided', 'audit_confirmed', 'audit_adjusted', 'audit_rejected')),
            record_id uuid not null,
            volunteer_id uuid not null,
            project_id uuid,
            grid_id uuid,
            service_date date not null,
            verified_delta numeric(8, 2) not null,
            unverified_delta numeric(8, 2) not null,
            reason text not null default '',
            created_at timestamptz not null default now(),
            applied_at timestamptz,
            primary key (tenant_id, id),
            unique (tenant_id, source_id)
        );
        create index ledger_entries_pending on ledger_entries (tenant_id, created_at) where applied_at is null;
        create index ledger_entries_of_record on ledger_entries (tenant_id, record_id);
        create index ledger_entries_path on ledger_entries using gist (tenant_path);

        create table tallies (
            tenant_id uuid not null,
            scope varchar(16) not null check (scope in ('volunteer', 'project', 'grid', 'committee')),
            scope_id uuid not null,
            period varchar(8) not null,
            tenant_path ltree not null,
            verified_hours numeric(12, 2) not null default 0,
            unverified_hours numeric(12, 2) not null default 0,
            entries integer not null default 0,
            updated_at timestamptz not null default now(),
            primary key (tenant_id, scope, scope_id, period)
        );
        create index tallies_path on tallies using gist (tenant_path);
        create index tallies_by_period on tallies (scope, period);

        create table reconciliations (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            tallies_checked integer not null,
            disagreements integer not null,
            ran_at timestamptz not null default now(),
            primary key (tenant_id, id)
        );

        create table star_policies (
            tenant_id uuid primary key,
            tenant_path ltree not null unique,
            thresholds numeric(8, 2)[] not null check (cardinality(thresholds) = 5),
            tenure_months integer[] not null check (cardinality(tenure_months) = 5),
            updated_by varchar(80) not null,
            updated_at timestamptz not null default now()
        );

        create table star_levels (
            tenant_id uuid not null,
            volunteer_id uuid not null,
            tenant_path ltree not null,
            stars smallint not null check (stars between 0 and 5),
            verified_hours numeric(12, 2) not null,
            since date not null,
            updated_at timestamptz not null default now(),
            primary key (tenant_id, volunteer_id)
        );

        create table ratings (
            tenant_id uuid not null,
            record_id uuid not null,
            tenant_path ltree not null,
            volunteer_id uuid not null,
            score smallint not null check (score between 1 and 5),
            comment varchar(500) not null default '',
            client_hash varchar(64) not null,
            submitted_at timestamptz not null default now(),
            primary key (tenant_id, record_id),
            foreign key (tenant_id, record_id) references record_facts (tenant_id, record_id)
        );
        create index ratings_of_volunteer on ratings (tenant_id, volunteer_id, submitted_at);

        create table audit_policies (
            tenant_id uuid primary key,
            tenant_path ltree not null unique,
            rate numeric(4, 3) not null check (rate > 0 and rate <= 1),
            min_count integer not null check (min_count between 0 and 1000),
            risk_weights jsonb not null,
            updated_by varchar(80) not null,
            updated_at timestamptz not null default now()
        );

        create table audit_plans (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            period_start date not null,
            period_end date not null,
            seed_hash varchar(64) not null,
            seed varchar(64) not null,
            status varchar(16) not null default 'committed' check (status in ('committed', 'drawn', 'completed')),
            rate numeric(4, 3) not null,
            min_count integer not null,
            risk_weights jsonb not null,
            auditor_ids uuid[] not null default '{}',
            population integer,
            sample_size integer,
            committed_at timestamptz not null default now(),
            drawn_at timestamptz,
            primary key (tenant_id, id),
            unique (tenant_id, period_start),
            check (period_end >= period_start)
        );

        create table audit_tasks (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            plan_id uuid not null,
            record_id uuid not null,
            volunteer_id uuid not null,
            auditor_id uuid,
            stratum varchar(80) not null,
            weight numeric(8, 3) not null,
            risks varchar(24)[] not null default '{}',
            outcome varchar(16) not null default 'open' check (outcome in ('open', 'confirmed', 'adjusted', 'rejected')),
            hours_before numeric(6, 2) not null,
            hours_after numeric(6, 2),
            evidence text not null default '',
            decided_at timestamptz,
            created_at timestamptz not null default now(),
            primary key (tenant_id, id),
            unique (tenant_id, plan_id, record_id),
            foreign key (tenant_id, plan_id) references audit_plans (tenant_id, id),
            foreign key (tenant_id, record_id) references record_facts (tenant_id, record_id)
        );
        create index audit_tasks_of_auditor on audit_tasks (tenant_id, auditor_id, outcome);
        """
    )
    op.execute("".join(tenant_rls(table) for table in TENANT_TABLES))
    # a committee reads the rules of its town and district, and writes only its own subtree
    op.execute("".join(inherited_rls(table) for table in ("star_policies", "audit_policies")))
    op.execute(grant_app(op.get_context().config.attributes["app_role"]))
