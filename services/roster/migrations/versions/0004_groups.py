"""Roster: deliberation groups (议事小组) with members, topics, meetings, decisions and follow-up actions;
the mediation studio (调解工作室) with cases, assigned mediators and sessions.

Revision ID: 0004_groups
Revises: 0001
"""

from alembic import op

from linli_shared.migrations import tenant_rls

revision = "0004_groups"
down_revision = "0001"

TABLES = (
    "deliberation_groups",
    "deliberation_members",
    "deliberation_topics",
    "deliberation_meetings",
    "deliberation_attendees",
    "deliberation_meeting_topics",
    "deliberation_decisions",
    "deliberation_actions",
    "mediation_cases",
    "mediation_assignments",
    "mediation_sessions",
)
#: records that are never rewritten: only their path follows a moved committee
APPEND_ONLY = (
    "deliberation_meetings",
    "deliberation_attendees",
    "deliberation_meeting_topics",
    "deliberation_decisions",
    "mediation_sessions",
)


def upgrade() -> None:
    op.execute(
        """
        create table deliberation_groups (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            name varchar(60) not null,
            purpose varchar(500) not null default '',
            created_at timestamptz not null default now(),
            updated_at timestamptz not null default now(),
            primary key (tenant_id, id),
            unique (tenant_id, name)
        );
        create index deliberation_groups_path on deliberation_groups using gist (tenant_path);

        create table deliberation_members (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            group_id uuid not null,
            volunteer_id uuid not null,
            joined_on date not null,
            left_on date,
            left_reason varchar(500),
            primary key (tenant_id, id),
            foreign key (tenant_id, group_id) references deliberation_groups (tenant_id, id),
            foreign key (tenant_id, volunteer_id) references volunteers (tenant_id, id),
            check (left_on is null or left_on >= joined_on)
        );
        create unique index deliberation_one_membership on deliberation_members (tenant_id, group_id, volunteer_id)
            where left_on is null;

        create table deliberation_topics (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            group_id uuid not null,
            title varchar(100) not null,
            description varchar(2000) not null default '',
            raised_by varchar(50) not null,
            building_id uuid,
            raised_on date not null,
            status varchar(16) not null default 'open'
                check (status in ('open', 'in_discussion', 'decided', 'closed')),
            created_at timestamptz not null default now(),
            updated_at timestamptz not null default now(),
            primary key (tenant_id, id),
            foreign key (tenant_id, group_id) references deliberation_groups (tenant_id, id),
            foreign key (tenant_id, building_id) references areas (tenant_id, id)
        );
        create index deliberation_topics_of on deliberation_topics (tenant_id, group_id, status);

        create table deliberation_meetings (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            group_id uuid not null,
            held_on date not null,
            place varchar(100) not null,
            minutes varchar(20000) not null default '',
            recorded_by varchar(80) not null,
            created_at timestamptz not null default now(),
            primary key (tenant_id, id),
            foreign key (tenant_id, group_id) references deliberation_groups (tenant_id, id)
        );
        create index deliberation_meetings_of on deliberation_meetings (tenant_id, group_id, held_on);

        create table deliberation_attendees (
            tenant_id uuid not null,
            meeting_id uuid not null,
            volunteer_id uuid not null,
            tenant_path ltree not null,
            primary key (tenant_id, meeting_id, volunteer_id),
            foreign key (tenant_id, meeting_id) references deliberation_meetings (tenant_id, id),
            foreign key (tenant_id, volunteer_id) references volunteers (tenant_id, id)
        );

        create table deliberation_meeting_topics (
            tenant_id uuid not null,
            meeting_id uuid not null,
            topic_id uuid not null,
            tenant_path ltree not null,
            primary key (tenant_id, meeting_id, topic_id),
            foreign key (tenant_id, meeting_id) references deliberation_meetings (tenant_id, id),
            foreign key (tenant_id, topic_id) references deliberation_topics (tenant_id, id)
        );

        create table deliberation_decisions (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            topic_id uuid not null,
            meeting_id uuid,
            text varchar(2000) not null,
            decided_on date not null,
            recorded_by varchar(80) not null,
            created_at timestamptz not null default now(),
            primary key (tenant_id, id),
            foreign key (tenant_id, topic_id) references deliberation_topics (tenant_id, id),
            foreign key (tenant_id, meeting_id) references deliberation_meetings (tenant_id, id)
        );
        create index deliberation_decisions_of on deliberation_decisions (tenant_id, topic_id);

        create table deliberation_actions (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            group_id uuid not null,
            decision_id uuid not null,
            description varchar(500) not null,
            owner_volunteer_id uuid not null,
            due_on date not null,
            status varchar(8) not null default 'open' check (status in ('open', 'done')),
            completed_on date,
            completion_note varchar(1000),
            created_at timestamptz not null default now(),
            primary key (tenant_id, id),
            foreign key (tenant_id, group_id) references deliberation_groups (tenant_id, id),
            foreign key (tenant_id, decision_id) references deliberation_decisions (tenant_id, id),
            foreign key (tenant_id, owner_volunteer_id) references volunteers (tenant_id, id),
            check ((status = 'done') = (completed_on is not null))
        );
        create index deliberation_actions_due on deliberation_actions (tenant_id, status, due_on);

        create table mediation_cases (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            parties varchar(50)[] not null check (cardinality(parties) between 1 and 10),
            category varchar(16) not null check (category in ('neighbour', 'property', 'family', 'other')),
            summary varchar(2000) not null,
            received_on date not null,
            status varchar(8) not null default 'open' check (status in ('open', 'closed')),
            outcome varchar(16) check (outcome in ('resolved', 'unresolved', 'referred')),
            agreement varchar(5000),
            closed_on date,
            recorded_by varchar(80) not null,
            created_at timestamptz not null default now(),
            updated_at timestamptz not null default now(),
            primary key (tenant_id, id),
            check ((status = 'closed') = (outcome is not null and closed_on is not null)),
            check (closed_on is null or closed_on >= received_on)
        );
        create index mediation_cases_list on mediation_cases (tenant_id, status, received_on);

        create table mediation_assignments (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            case_id uuid not null,
            volunteer_id uuid not null,
            assigned_on date not null,
            released_on date,
            primary key (tenant_id, id),
            foreign key (tenant_id, case_id) references mediation_cases (tenant_id, id),
            foreign key (tenant_id, volunteer_id) references volunteers (tenant_id, id),
            check (released_on is null or released_on >= assigned_on)
        );
        create unique index mediation_one_assignment on mediation_assignments (tenant_id, case_id, volunteer_id)
            where released_on is null;

        create table mediation_sessions (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            case_id uuid not null,
            held_on date not null,
            notes varchar(5000) not null,
            recorded_by varchar(80) not null,
            created_at timestamptz not null default now(),
            primary key (tenant_id, id),
            foreign key (tenant_id, case_id) references mediation_cases (tenant_id, id)
        );
        create index mediation_sessions_of on mediation_sessions (tenant_id, case_id);
        """
        + "".join(tenant_rls(table) for table in TABLES)
    )
    app = op.get_context().config.attributes["app_role"]
    op.execute(f"grant select, insert, update on {', '.join(TABLES)} to {app}")
    for table in APPEND_ONLY:
        op.execute(f"revoke update on {table} from {app}; grant update (tenant_path) on {table} to {app}")
