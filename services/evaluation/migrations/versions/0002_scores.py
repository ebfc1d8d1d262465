"""Scores: per-node score weights, the sign-up and qualification projections, volunteers' latest scores.

Revision ID: 0002_scores
Revises: 0001
"""

from alembic import op

from linli_shared.migrations import grant_app, inherited_rls, tenant_rls

revision = "0002_scores"
down_revision = "0001"

TENANT_TABLES = ("signup_facts", "qualification_facts", "volunteer_scores")


def upgrade() -> None:
    op.execute(
        """
        create table score_policies (
            tenant_id uuid primary key,
            tenant_path ltree not null unique,
            hours_weight numeric(4, 3) not null check (hours_weight between 0 and 1),
            satisfaction_weight numeric(4, 3) not null check (satisfaction_weight between 0 and 1),
            reliability_weight numeric(4, 3) not null check (reliability_weight between 0 and 1),
            training_weight numeric(4, 3) not null check (training_weight between 0 and 1),
            audits_weight numeric(4, 3) not null check (audits_weight between 0 and 1),
            window_months integer not null check (window_months between 1 and 36),
            target_hours numeric(6, 1) not null check (target_hours > 0 and target_hours <= 2000),
            updated_by varchar(80) not null,
            updated_at timestamptz not null default now(),
            check (hours_weight + satisfaction_weight + reliability_weight + training_weight + audits_weight = 1)
        );

        create table signup_facts (
            tenant_id uuid not null,
            signup_id uuid not null,
            tenant_path ltree not null,
            volunteer_id uuid not null,
            shift_id uuid not null,
            starts_at timestamptz not null,
            status varchar(16) not null check (status in ('confirmed', 'cancelled', 'no_show')),
            held_place boolean not null,
            late_cancellation boolean not null default false,
            updated_at timestamptz not null default now(),
            primary key (tenant_id, signup_id)
        );
        create index signup_facts_of_volunteer on signup_facts (tenant_id, volunteer_id, starts_at);

        create table qualification_facts (
            tenant_id uuid not null,
            qualification_id uuid not null,
            tenant_path ltree not null,
            volunteer_id uuid not null,
            name varchar(60) not null,
            granted_on date not null,
            expires_on date,
            status varchar(16) not null check (status in ('active', 'superseded', 'expired', 'revoked')),
            updated_at timestamptz not null default now(),
            primary key (tenant_id, qualification_id)
        );
        create index qualification_facts_of_volunteer on qualification_facts (tenant_id, volunteer_id, name);

        create table volunteer_scores (
            tenant_id uuid not null,
            volunteer_id uuid not null,
            tenant_path ltree not null,
            computed_on date not null,
            window_start date not null,
            score numeric(5, 2) not null check (score between 0 and 100),
            hours numeric(5, 2) not null check (hours between 0 and 100),
            satisfaction numeric(5, 2) not null check (satisfaction between 0 and 100),
            reliability numeric(5, 2) not null check (reliability between 0 and 100),
            training numeric(5, 2) not null check (training between 0 and 100),
            audits numeric(5, 2) not null check (audits between 0 and 100),
            components jsonb not null,
            policy jsonb not null,
            computed_at timestamptz not null default now(),
            primary key (tenant_id, volunteer_id),
            check (window_start <= computed_on)
        );
        create index volunteer_scores_ranked on volunteer_scores (tenant_id, score desc, volunteer_id);
        create index volunteer_scores_path on volunteer_scores using gist (tenant_path);
        """
    )
    op.execute("".join(tenant_rls(table) for table in TENANT_TABLES))
    op.execute(inherited_rls("score_policies"))
    op.execute(grant_app(op.get_context().config.attributes["app_role"]))


def downgrade() -> None:
    op.execute(
        "drop table volunteer_scores; drop table qualification_facts; drop table signup_facts;"
        " drop table score_policies;"
    )
