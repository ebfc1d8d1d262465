"""Scheduling: the roster facts it checks against, hour policies, projects, activities and shifts,
sign-ups, attendance, service records and their trail, late entries, corrections, reminders.

Revision ID: 0001
Revises:
"""

from alembic import op

from linli_shared.migrations import grant_app, inherited_rls, messaging_tables, tenant_directory_table, tenant_rls

revision = "0001"
down_revision = None

TENANT_TABLES = (
    "volunteer_facts",
    "role_facts",
    "qualification_facts",
    "course_facts",
    "area_facts",
    "projects",
    "project_members",
    "project_status_changes",
    "activities",
    "shifts",
    "signups",
    "attendances",
    "check_in_code_uses",
    "training_results",
    "service_records",
    "record_entries",
    "late_entries",
    "corrections",
    "notification_contacts",
    "reminders",
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
            user_id uuid,
            updated_at timestamptz not null default now(),
            primary key (tenant_id, volunteer_id)
        );
        create index volunteer_facts_user on volunteer_facts (user_id) where user_id is not null;
        create index volunteer_facts_path on volunteer_facts using gist (tenant_path);

        create table role_facts (
            tenant_id uuid not null,
            role_id uuid not null,
            tenant_path ltree not null,
            volunteer_id uuid not null,
            role varchar(32) not null,
            area_id uuid,
            starts_on date not null,
            ends_on date,
            primary key (tenant_id, role_id)
        );
        create index role_facts_of on role_facts (tenant_id, volunteer_id);

        create table qualification_facts (
            tenant_id uuid not null,
            qualification_id uuid not null,
            tenant_path ltree not null,
            volunteer_id uuid not null,
            name varchar(60) not null,
            granted_on date not null,
            expires_on date,
            revoked boolean not null default false,
            primary key (tenant_id, qualification_id)
        );
        create index qualification_facts_of on qualification_facts (tenant_id, volunteer_id, name);

        create table course_facts (
            tenant_id uuid not null,
            course_id uuid not null,
            tenant_path ltree not null,
            name varchar(60) not null,
            qualification varchar(60),
            primary key (tenant_id, course_id)
        );

        create table area_facts (
            tenant_id uuid not null,
            area_id uuid not null,
            tenant_path ltree not null,
            parent_id uuid,
            kind varchar(16) not null,
            name varchar(60) not null,
            active boolean not null default true,
            primary key (tenant_id, area_id)
        );

        create table hour_policies (
            tenant_id uuid primary key,
            tenant_path ltree not null unique,
            rounding varchar(24) not null
                check (rounding in ('chongqing', 'half_hour', 'quarter_hour_down', 'exact')),
            excluded_kinds varchar(32)[] not null default '{}',
            late_entry_window_days integer not null check (late_entry_window_days between 0 and 366),
            cancellation_cutoff_hours integer not null check (cancellation_cutoff_hours between 0 and 168),
            check_in_opens_minutes integer not null check (check_in_opens_minutes between 0 and 240),
            updated_by varchar(80) not null,
            version integer not null default 1,
            updated_at timestamptz not null default now()
        );

        create table projects (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            name varchar(60) not null,
            description varchar(2000) not null default '',
            owner_volunteer_id uuid,
            goals varchar(200)[] not null default '{}',
            status varchar(16) not null default 'incubating'
                check (status in ('incubating', 'established', 'closed')),
            version integer not null default 1,
            created_at timestamptz not null default now(),
            updated_at timestamptz not null default now(),
            primary key (tenant_id, id)
        );
        create unique index projects_one_name on projects (tenant_id, name) where status <> 'closed';
        create index projects_path on projects using gist (tenant_path);

        create table project_members (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            project_id uuid not null,
            volunteer_id uuid not null,
            duty varchar(60) not null default '',
            joined_at timestamptz not null default now(),
            left_at timestamptz,
            primary key (tenant_id, id),
            foreign key (tenant_id, project_id) references projects (tenant_id, id)
        );
        create unique index project_members_once on project_members (tenant_id, project_id, volunteer_id)
            where left_at is null;

        create table project_status_changes (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            project_id uuid not null,
            from_status varchar(16),
            to_status varchar(16) not null,
            note text not null default '',
            changed_by varchar(80) not null,
            changed_at timestamptz not null default now(),
            primary key (tenant_id, id),
            foreign key (tenant_id, project_id) references projects (tenant_id, id)
        );

        create table activities (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            project_id uuid,
            name varchar(80) not null,
            kind varchar(32) not null check (kind in
                ('service', 'grid_duty', 'training_session', 'deliberation_meeting', 'mediation_class')),
            content varchar(2000) not null default '',
            recipient varchar(100) not null default '',
            area_id uuid,
            place varchar(100) not null default '',
            lead_volunteer_id uuid,
            course_id uuid,
            first_starts_at timestamp not null,
            duration_minutes integer not null check (duration_minutes between 5 and 1440),
            recurrence text,
            exceptions date[] not null default '{}',
            materialised_until date not null,
            capacity integer not null check (capacity between 1 and 10000),
            required_qualification varchar(60),
            required_role varchar(32),
            required_tier varchar(16),
            status varchar(16) not null default 'active' check (status in ('active', 'ended', 'cancelled')),
            created_by varchar(80) not null,
            version integer not null default 1,
            created_at timestamptz not null default now(),
            updated_at timestamptz not null default now(),
            primary key (tenant_id, id),
            foreign key (tenant_id, project_id) references projects (tenant_id, id),
            check (area_id is not null or place <> ''),
            check (kind <> 'training_session' or course_id is not null)
        );
        create index activities_path on activities using gist (tenant_path);
        create index activities_of_project on activities (tenant_id, project_id);

        create table shifts (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            activity_id uuid not null,
            starts_at timestamptz not null,
            ends_at timestamptz not null,
            local_date date not null,
            capacity integer not null check (capacity between 1 and 10000),
            confirmed integer not null default 0,
            required_qualification varchar(60),
            required_role varchar(32),
            required_tier varchar(16),
            leader_volunteer_id uuid,
            status varchar(16) not null default 'scheduled' check (status in ('scheduled', 'cancelled')),
            cancelled_reason text,
            closed_at timestamptz,
            version integer not null default 1,
            created_at timestamptz not null default now(),
            updated_at timestamptz not null default now(),
            primary key (tenant_id, id),
            foreign key (tenant_id, activity_id) references activities (tenant_id, id),
            unique (tenant_id, activity_id, starts_at),
            check (ends_at > starts_at),
            check (confirmed between 0 and capacity)
        );
        create index shifts_in_time on shifts (tenant_id, starts_at, id);
        create index shifts_path_time on shifts using gist (tenant_path, starts_at);
        create index shifts_to_close on shifts (ends_at) where closed_at is null and status = 'scheduled';

        create table signups (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            shift_id uuid not null,
            volunteer_id uuid not null,
            status varchar(16) not null check (status in ('confirmed', 'waitlisted', 'cancelled', 'no_show')),
            source varchar(16) not null check (source in ('self', 'assigned')),
            starts_at timestamptz not null,
            ends_at timestamptz not null,
            queued_at timestamptz not null default clock_timestamp(),
            created_by varchar(80) not null,
            cancelled_at timestamptz,
            cancelled_by varchar(80),
            cancel_reason text,
            late_cancellation boolean not null default false,
            created_at timestamptz not null default now(),
            updated_at timestamptz not null default now(),
            primary key (tenant_id, id),
            foreign key (tenant_id, shift_id) references shifts (tenant_id, id),
            constraint signups_no_double_booking exclude using gist (
                volunteer_id with =, tstzrange(starts_at, ends_at) with &&
            ) where (status in ('confirmed', 'waitlisted'))
        );
        create unique index signups_once_per_shift on signups (tenant_id, shift_id, volunteer_id)
            where status in ('confirmed', 'waitlisted');
        create index signups_of_shift on signups (tenant_id, shift_id, status, queued_at);
        create index signups_of_volunteer on signups (tenant_id, volunteer_id, starts_at);

        create table attendances (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            shift_id uuid not null,
            volunteer_id uuid not null,
            signup_id uuid,
            checked_in_at timestamptz not null,
            checked_out_at timestamptz,
            check_in_method varchar(16) not null check (check_in_method in ('qr', 'leader')),
            check_out_method varchar(16) check (check_out_method in ('qr', 'leader', 'sweep')),
            break_minutes integer not null default 0 check (break_minutes >= 0),
            auto_closed boolean not null default false,
            recorded_by varchar(80) not null,
            created_at timestamptz not null default now(),
            primary key (tenant_id, id),
            unique (tenant_id, shift_id, volunteer_id),
            foreign key (tenant_id, shift_id) references shifts (tenant_id, id),
            check (checked_out_at is null or checked_out_at >= checked_in_at)
        );
        create index attendances_open on attendances (tenant_id, shift_id) where checked_out_at is null;

        create table check_in_code_uses (
            tenant_id uuid not null,
            code_id varchar(64) not null,
            volunteer_id uuid not null,
            action varchar(16) not null check (action in ('check_in', 'check_out')),
            tenant_path ltree not null,
            used_at timestamptz not null default now(),
            primary key (tenant_id, code_id, volunteer_id, action)
        );

        create table training_results (
            tenant_id uuid not null,
            shift_id uuid not null,
            volunteer_id uuid not null,
            tenant_path ltree not null,
            course_id uuid not null,
            attended_on date not null,
            passed boolean not null,
            score smallint check (score between 0 and 100),
            recorded_by varchar(80) not null,
            created_at timestamptz not null default now(),
            primary key (tenant_id, shift_id, volunteer_id),
            foreign key (tenant_id, shift_id) references shifts (tenant_id, id)
        );

        create table service_records (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            volunteer_id uuid not null,
            volunteer_name varchar(50) not null,
            shift_id uuid,
            attendance_id uuid,
            activity_id uuid not null,
            project_id uuid,
            activity_name varchar(80) not null,
            activity_kind varchar(32) not null,
            service_date date not null,
            area_id uuid,
            place varchar(100) not null,
            recipient varchar(100) not null,
            content varchar(2000) not null,
            started_at timestamptz not null,
            ended_at timestamptz not null,
            service_minutes integer not null check (service_minutes >= 0),
            rounding varchar(24) not null,
            lead_name varchar(50) not null,
            recorded_by varchar(80) not null,
            recorder_name varchar(50) not null,
            source varchar(16) not null check (source in ('check_out', 'leader', 'sweep', 'late_entry')),
            late_entry boolean not null default false,
            self_reported boolean not null default false,
            auto_closed boolean not null default false,
            hours numeric(6, 2) not null check (hours >= 0),
            voided boolean not null default false,
            created_at timestamptz not null default now(),
            primary key (tenant_id, id),
            foreign key (tenant_id, activity_id) references activities (tenant_id, id),
            check (ended_at >= started_at)
        );
        -- one record per attendance: a retried check-out never records twice
        create unique index service_records_one_per_attendance on service_records (tenant_id, attendance_id)
            where attendance_id is not null;
        create index service_records_of_volunteer on service_records (tenant_id, volunteer_id, service_date);
        create index service_records_by_date on service_records (tenant_id, service_date, id);
        create index service_records_path on service_records using gist (tenant_path);

        create table record_entries (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            record_id uuid not null,
            sequence integer not null check (sequence >= 1),
            kind varchar(16) not null check (kind in ('recorded', 'adjusted', 'voided')),
            hours_before numeric(6, 2) not null,
            hours_after numeric(6, 2) not null check (hours_after >= 0),
            reason text not null default '',
            decided_by varchar(80) not null,
            correction_id uuid,
            created_at timestamptz not null default now(),
            primary key (tenant_id, id),
            unique (tenant_id, record_id, sequence),
            foreign key (tenant_id, record_id) references service_records (tenant_id, id)
        );

        create table late_entries (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            volunteer_id uuid not null,
            shift_id uuid,
            activity_id uuid not null,
            started_at timestamptz not null,
            ended_at timestamptz not null,
            break_minutes integer not null default 0 check (break_minutes >= 0),
            reason text not null,
            self_reported boolean not null,
            filed_by varchar(80) not null,
            status varchar(16) not null default 'pending' check (status in ('pending', 'approved', 'rejected')),
            decided_by varchar(80),
            decided_at timestamptz,
            decision_note text,
            record_id uuid,
            created_at timestamptz not null default now(),
            primary key (tenant_id, id),
            foreign key (tenant_id, activity_id) references activities (tenant_id, id),
            check (ended_at > started_at),
            check (decided_by is null or decided_by <> filed_by)
        );
        create index late_entries_pending on late_entries (tenant_id, created_at) where status = 'pending';

        create table corrections (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            record_id uuid not null,
            volunteer_id uuid not null,
            requested_hours numeric(6, 2) not null check (requested_hours >= 0),
            reason text not null,
            filed_by varchar(80) not null,
            status varchar(16) not null default 'pending' check (status in ('pending', 'approved', 'rejected')),
            decided_by varchar(80),
            decided_at timestamptz,
            decision_note text,
            created_at timestamptz not null default now(),
            primary key (tenant_id, id),
            foreign key (tenant_id, record_id) references service_records (tenant_id, id)
        );
        create unique index corrections_one_pending on corrections (tenant_id, record_id) where status = 'pending';

        create table notification_contacts (
            tenant_id uuid not null,
            volunteer_id uuid not null,
            tenant_path ltree not null,
            channel varchar(16) not null check (channel in ('email', 'none')),
            email varchar(254),
            updated_by varchar(80) not null,
            updated_at timestamptz not null default now(),
            primary key (tenant_id, volunteer_id),
            check (channel <> 'email' or email is not null)
        );

        create table reminders (
            tenant_id uuid not null,
            signup_id uuid not null,
            tenant_path ltree not null,
            shift_id uuid not null,
            volunteer_id uuid not null,
            channel varchar(16) not null,
            state varchar(16) not null check (state in ('claimed', 'sent', 'failed')),
            attempts integer not null default 1,
            last_error text,
            claimed_at timestamptz not null default now(),
            sent_at timestamptz,
            primary key (tenant_id, signup_id)
        );
        """
    )
    op.execute("".join(tenant_rls(table) for table in TENANT_TABLES))
    op.execute(inherited_rls("hour_policies"))
    op.execute(grant_app(op.get_context().config.attributes["app_role"]))

