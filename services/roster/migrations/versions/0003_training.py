"""Roster: training courses, completions and qualifications with expiry; mentor pairs (以老带新).

Revision ID: 0003_training
Revises: 0001
"""

from alembic import op

from linli_shared.migrations import tenant_rls

revision = "0003_training"
down_revision = "0001"

TABLES = ("training_courses", "training_completions", "qualifications", "mentor_pairs")


def upgrade() -> None:
    op.execute(
        """
        create table training_courses (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            name varchar(60) not null,
            description varchar(2000) not null default '',
            qualification varchar(60),
            validity_months integer check (validity_months between 1 and 240),
            retired_on date,
            version integer not null default 1,
            created_at timestamptz not null default now(),
            updated_at timestamptz not null default now(),
            primary key (tenant_id, id),
            check (validity_months is null or qualification is not null)
        );
        create unique index training_courses_one_name on training_courses (tenant_id, name)
            where retired_on is null;
        create index training_courses_path on training_courses using gist (tenant_path);

        create table training_completions (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            course_id uuid not null,
            volunteer_id uuid not null,
            completed_on date not null,
            passed boolean not null,
            score smallint check (score between 0 and 100),
            trainer varchar(50) not null default '',
            recorded_by varchar(80) not null,
            created_at timestamptz not null default now(),
            primary key (tenant_id, id),
            unique (tenant_id, course_id, volunteer_id, completed_on),
            foreign key (tenant_id, course_id) references training_courses (tenant_id, id),
            foreign key (tenant_id, volunteer_id) references volunteers (tenant_id, id)
        );
        create index training_completions_of on training_completions (tenant_id, volunteer_id, completed_on);
        create index training_completions_path on training_completions using gist (tenant_path);

        create table qualifications (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            volunteer_id uuid not null,
            name varchar(60) not null,
            course_id uuid not null,
            completion_id uuid not null,
            granted_on date not null,
            expires_on date,
            status varchar(16) not null default 'active'
                check (status in ('active', 'superseded', 'expired', 'revoked')),
            superseded_by uuid,
            expired_on date,
            revoked_on date,
            revoked_reason text,
            revoked_by varchar(80),
            created_at timestamptz not null default now(),
            primary key (tenant_id, id),
            unique (tenant_id, completion_id),
            foreign key (tenant_id, volunteer_id) references volunteers (tenant_id, id),
            foreign key (tenant_id, course_id) references training_courses (tenant_id, id),
            foreign key (tenant_id, completion_id) references training_completions (tenant_id, id),
            foreign key (tenant_id, superseded_by) references qualifications (tenant_id, id),
            check (expires_on is null or expires_on >= granted_on),
            check ((status = 'revoked') = (revoked_on is not null))
        );
        -- a person holds at most one live row of a qualification; renewals supersede it
        create unique index qualifications_one_active on qualifications (tenant_id, volunteer_id, name)
            where status = 'active';
        create index qualifications_holders on qualifications (tenant_id, name, expires_on);
        create index qualifications_due on qualifications (tenant_id, expires_on) where status = 'active';
        create index qualifications_path on qualifications using gist (tenant_path);

        create table mentor_pairs (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            mentor_id uuid not null,
            mentee_id uuid not null,
            starts_on date not null,
            ends_on date,
            goals varchar(2000) not null default '',
            ended_on date,
            ended_reason text,
            created_by varchar(80) not null,
            created_at timestamptz not null default now(),
            primary key (tenant_id, id),
            foreign key (tenant_id, mentor_id) references volunteers (tenant_id, id),
            foreign key (tenant_id, mentee_id) references volunteers (tenant_id, id),
            check (mentor_id <> mentee_id),
            check (ends_on is null or ends_on >= starts_on),
            check (ended_on is null or ended_on >= starts_on),
            check ((ended_on is null) = (ended_reason is null))
        );
        create unique index mentor_pairs_one_open on mentor_pairs (tenant_id, mentor_id, mentee_id)
            where ended_on is null;
        create index mentor_pairs_mentor on mentor_pairs (tenant_id, mentor_id);
        create index mentor_pairs_mentee on mentor_pairs (tenant_id, mentee_id);
        create index mentor_pairs_path on mentor_pairs using gist (tenant_path);
        """
        + "".join(tenant_rls(table) for table in TABLES)
    )
    app = op.get_context().config.attributes["app_role"]
    op.execute(f"grant select, insert, update on {', '.join(TABLES)} to {app}")
    # a completion is a record: never rewritten, only its path follows a moved committee
    op.execute(
        f"revoke update on training_completions from {app}; "
        f"grant update (tenant_path) on training_completions to {app}"
    )
