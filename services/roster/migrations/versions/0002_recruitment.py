"""Roster: needs and recruitment (找到人) — needs, candidates and decisions, versioned eligibility criteria and
"三好一会" rubrics with scores, public notices (公示) for promotion to backbone with objections.

Revision ID: 0002_recruitment
Revises: 0001
"""

from alembic import op

from linli_shared.migrations import tenant_rls

revision = "0002_recruitment"
down_revision = "0001"

TABLES = (
    "recruitment_needs",
    "recruitment_candidates",
    "recruitment_decisions",
    "recruitment_criteria",
    "recruitment_rubrics",
    "recruitment_scores",
    "promotion_notices",
    "notice_objections",
)
#: records that are never rewritten (only their path follows a moved committee)
APPEND_ONLY = ("recruitment_decisions", "recruitment_criteria", "recruitment_rubrics", "recruitment_scores")


def upgrade() -> None:
    op.execute(
        """
        create table recruitment_needs (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            title varchar(100) not null,
            description varchar(2000) not null default '',
            headcount integer not null check (headcount between 1 and 500),
            required_skill varchar(30),
            required_role varchar(32),
            status varchar(16) not null default 'open' check (status in ('open', 'filled', 'closed')),
            closed_reason varchar(500),
            created_by varchar(80) not null,
            created_at timestamptz not null default now(),
            updated_at timestamptz not null default now(),
            primary key (tenant_id, id)
        );
        create index recruitment_needs_path on recruitment_needs using gist (tenant_path);
        create index recruitment_needs_list on recruitment_needs (tenant_id, created_at, id);

        create table recruitment_candidates (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            need_id uuid,
            name varchar(50) not null,
            phone varchar(20) not null,
            notes varchar(1000) not null default '',
            channel varchar(32) not null check (channel in (
                'self_recommended', 'organisation_recommended', 'residents_recommended', 'two_way_selection'
            )),
            recommending_organisation varchar(100),
            recommenders jsonb not null default '[]',
            status varchar(16) not null default 'pending'
                check (status in ('pending', 'accepted', 'reserve', 'declined')),
            volunteer_id uuid,
            created_by varchar(80) not null,
            created_at timestamptz not null default now(),
            updated_at timestamptz not null default now(),
            primary key (tenant_id, id),
            foreign key (tenant_id, need_id) references recruitment_needs (tenant_id, id),
            foreign key (tenant_id, volunteer_id) references volunteers (tenant_id, id),
            check ((status = 'accepted') = (volunteer_id is not null))
        );
        -- one undecided candidacy per person and need (or per person among candidates with no need)
        create unique index recruitment_candidates_one_pending
            on recruitment_candidates (tenant_id, need_id, phone) nulls not distinct where status = 'pending';
        create index recruitment_candidates_path on recruitment_candidates using gist (tenant_path);
        create index recruitment_candidates_of_need on recruitment_candidates (tenant_id, need_id);
        create index recruitment_candidates_list on recruitment_candidates (tenant_id, created_at, id);

        create table recruitment_decisions (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            candidate_id uuid not null,
            decision varchar(16) not null check (decision in ('accepted', 'reserve', 'declined')),
            reason varchar(500) not null,
            decided_by varchar(80) not null,
            decided_at timestamptz not null default now(),
            primary key (tenant_id, id),
            foreign key (tenant_id, candidate_id) references recruitment_candidates (tenant_id, id)
        );
        create index recruitment_decisions_of on recruitment_decisions (tenant_id, candidate_id);

        create table recruitment_criteria (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            version integer not null check (version > 0),
            items jsonb not null,
            created_by varchar(80) not null,
            created_at timestamptz not null default now(),
            primary key (tenant_id, id),
            unique (tenant_id, version)
        );
        create table recruitment_rubrics (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            version integer not null check (version > 0),
            items jsonb not null,
            created_by varchar(80) not null,
            created_at timestamptz not null default now(),
            primary key (tenant_id, id),
            unique (tenant_id, version)
        );

        create table recruitment_scores (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            candidate_id uuid not null,
            criteria_id uuid not null,
            rubric_id uuid not null,
            eligibility jsonb not null,
            scores jsonb not null,
            eligible boolean not null,
            total integer not null check (total >= 0),
            notes varchar(1000) not null default '',
            scored_by varchar(80) not null,
            scored_at timestamptz not null default now(),
            primary key (tenant_id, id),
            foreign key (tenant_id, candidate_id) references recruitment_candidates (tenant_id, id),
            foreign key (tenant_id, criteria_id) references recruitment_criteria (tenant_id, id),
            foreign key (tenant_id, rubric_id) references recruitment_rubrics (tenant_id, id)
        );
        create index recruitment_scores_of on recruitment_scores (tenant_id, candidate_id, scored_at);

        create table promotion_notices (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            volunteer_id uuid not null,
            statement varchar(2000) not null default '',
            starts_on date not null,
            period_days integer not null check (period_days between 1 and 30),
            ends_on date not null,
            status varchar(16) not null default 'open'
                check (status in ('open', 'withdrawn', 'effective', 'rejected')),
            outcome_reason varchar(500),
            concluded_on date,
            opened_by varchar(80) not null,
            created_at timestamptz not null default now(),
            updated_at timestamptz not null default now(),
            primary key (tenant_id, id),
            foreign key (tenant_id, volunteer_id) references volunteers (tenant_id, id),
            check (ends_on = starts_on + period_days - 1)
        );
        create unique index promotion_notices_one_open on promotion_notices (tenant_id, volunteer_id)
            where status = 'open';
        create index promotion_notices_due on promotion_notices (tenant_id, ends_on) where status = 'open';
        create index promotion_notices_path on promotion_notices using gist (tenant_path);

        create table notice_objections (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            notice_id uuid not null,
            text varchar(1000) not null,
            from_whom varchar(50) not null,
            recorded_by varchar(80) not null,
            recorded_at timestamptz not null default now(),
            status varchar(16) not null default 'pending' check (status in ('pending', 'upheld', 'dismissed')),
            ruling_note varchar(500),
            ruled_by varchar(80),
            ruled_at timestamptz,
            primary key (tenant_id, id),
            foreign key (tenant_id, notice_id) references promotion_notices (tenant_id, id)
        );
        create index notice_objections_of on notice_objections (tenant_id, notice_id);
        """
        + "".join(tenant_rls(table) for table in TABLES)
    )
    app = op.get_context().config.attributes["app_role"]
    op.execute(f"grant select, insert, update on {', '.join(TABLES)} to {app}")
    for table in APPEND_ONLY:
        op.execute(f"revoke update on {table} from {app}; grant update (tenant_path) on {table} to {app}")
