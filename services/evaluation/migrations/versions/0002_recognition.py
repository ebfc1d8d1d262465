"""Recognition: award programmes (data, per district, town or committee), nominations with their evidence
snapshot, approval and public notice (公示), the objections raised during it, and the honours conferred.

Revision ID: 0002_recognition
Revises: 0001
"""

from alembic import op

from linli_shared.migrations import grant_app, inherited_rls, tenant_rls

revision = "0002_recognition"
down_revision = "0001"

TENANT_TABLES = ("nominations", "nomination_objections", "honours")


def upgrade() -> None:
    op.execute(
        """
        create table award_programmes (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            name varchar(60) not null,
            description varchar(2000) not null default '',
            period_kind varchar(8) not null check (period_kind in ('year', 'quarter')),
            min_verified_hours numeric(8, 2) not null default 0 check (min_verified_hours >= 0),
            min_stars smallint not null default 0 check (min_stars between 0 and 5),
            min_average_satisfaction numeric(3, 2)
                check (min_average_satisfaction between 1 and 5),
            min_ratings integer not null default 0 check (min_ratings between 0 and 10000),
            require_party_member boolean not null default false,
            require_no_rejected_audit boolean not null default false,
            max_nominees integer not null check (max_nominees between 1 and 100),
            notice_days integer not null default 7 check (notice_days between 1 and 60),
            active boolean not null default true,
            version integer not null default 1,
            created_by varchar(80) not null,
            created_at timestamptz not null default now(),
            updated_by varchar(80) not null,
            updated_at timestamptz not null default now(),
            primary key (tenant_id, id),
            unique (id),
            unique (tenant_id, name)
        );
        create index award_programmes_path on award_programmes using gist (tenant_path);

        create table nominations (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            programme_tenant_id uuid not null,
            programme_id uuid not null,
            programme_name varchar(60) not null,
            period varchar(7) not null,
            volunteer_id uuid not null,
            statement varchar(2000) not null default '',
            status varchar(16) not null check (status in
                ('draft', 'submitted', 'rejected', 'in_notice', 'withdrawn', 'conferred')),
            evidence jsonb not null,
            criteria jsonb not null,
            notice_days integer not null check (notice_days between 1 and 60),
            created_by varchar(80) not null,
            created_at timestamptz not null default now(),
            submitted_by varchar(80),
            submitted_at timestamptz,
            decided_by varchar(80),
            decided_at timestamptz,
            decision_note varchar(500),
            notice_starts_on date,
            notice_ends_on date,
            concluded_on date,
            outcome_reason varchar(500),
            updated_at timestamptz not null default now(),
            primary key (tenant_id, id),
            foreign key (tenant_id, volunteer_id) references volunteer_facts (tenant_id, volunteer_id),
            foreign key (programme_tenant_id, programme_id) references award_programmes (tenant_id, id),
            check (notice_ends_on >= notice_starts_on)
        );
        -- one live nomination per volunteer, programme and period; a rejected or withdrawn one frees it
        create unique index nominations_one_live on nominations (tenant_id, programme_id, period, volunteer_id)
            where status not in ('rejected', 'withdrawn');
        create index nominations_by_programme on nominations (tenant_id, programme_id, period, status);
        create index nominations_in_notice on nominations (tenant_id, notice_ends_on) where status = 'in_notice';
        create index nominations_path on nominations using gist (tenant_path);

        create table nomination_objections (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            nomination_id uuid not null,
            text varchar(1000) not null,
            by_name varchar(50) not null,
            recorded_by varchar(80) not null,
            recorded_at timestamptz not null default now(),
            status varchar(16) not null default 'pending' check (status in ('pending', 'upheld', 'dismissed')),
            resolution_note varchar(500),
            resolved_by varchar(80),
            resolved_at timestamptz,
            primary key (tenant_id, id),
            foreign key (tenant_id, nomination_id) references nominations (tenant_id, id)
        );
        create index nomination_objections_of on nomination_objections (tenant_id, nomination_id);

        create table honours (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            nomination_id uuid not null,
            programme_id uuid not null,
            programme_name varchar(60) not null,
            period varchar(7) not null,
            volunteer_id uuid not null,
            conferred_on date not null,
            created_at timestamptz not null default now(),
            primary key (tenant_id, id),
            -- a nomination becomes an honour once, however often the conferral runs
            unique (tenant_id, nomination_id),
            foreign key (tenant_id, nomination_id) references nominations (tenant_id, id)
        );
        create index honours_of_volunteer on honours (tenant_id, volunteer_id, conferred_on);
        create index honours_path on honours using gist (tenant_path);
        """
    )
    op.execute("".join(tenant_rls(table) for table in TENANT_TABLES))
    op.execute(inherited_rls("award_programmes"))
    op.execute(grant_app(op.get_context().config.attributes["app_role"]))
