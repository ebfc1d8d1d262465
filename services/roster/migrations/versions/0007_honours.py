"""Roster: honours on the volunteer's profile, kept from the evaluation service's events.

Revision ID: 0007_honours
Revises: 0001
"""

from alembic import op

from linli_shared.migrations import tenant_rls

revision = "0007_honours"
down_revision = "0001"


def upgrade() -> None:
    op.execute(
        """
        create table honours (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            volunteer_id uuid not null,
            programme_name varchar(60) not null,
            period varchar(7) not null,
            conferred_on date not null,
            received_at timestamptz not null default now(),
            primary key (tenant_id, id)
        );
        create index honours_of_volunteer on honours (tenant_id, volunteer_id, conferred_on);
        """
        + tenant_rls("honours")
    )
    # granted on this table alone: `grant_app` (every table) would undo 0001's append-only history grants.
    # Honours are records: never rewritten, only their path follows a moved committee.
    app = op.get_context().config.attributes["app_role"]
    op.execute(f"grant select, insert on honours to {app}")
    op.execute(f"revoke update on honours from {app}; grant update (tenant_path) on honours to {app}")
