"""Phone-number logins and service-created volunteer invitations.

Most volunteers are reached by phone and WeChat, not email: a user or an invitation names an email or a
phone (at least one), a login by phone sees exactly that user, and an invitation may carry a reference to
the record another service keeps for the person (e.g. ``roster:volunteer:<uuid>``).

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"

LOGIN_USER = "nullif(current_setting('app.login_user', true), '')::uuid"
LOGIN_EMAIL = "nullif(current_setting('app.login_email', true), '')"
LOGIN_PHONE = "nullif(current_setting('app.login_phone', true), '')"


def upgrade() -> None:
    op.execute(
        f"""
        alter table users add column phone varchar(20);
        alter table users add constraint users_phone_key unique (phone);
        alter table users alter column email drop not null;
        alter table users add constraint users_email_or_phone
            check (email is not null or phone is not null);

        alter table invitations alter column email drop not null;
        alter table invitations add column phone varchar(20);
        alter table invitations add column external_ref varchar(80);
        alter table invitations add constraint invitations_email_or_phone
            check (email is not null or phone is not null);

        drop policy users_in_context on users;
        create policy users_in_context on users
            using (id in (select m.user_id from memberships m)
                   or id = {LOGIN_USER} or email = {LOGIN_EMAIL}
                   or phone = {LOGIN_PHONE})
            with check (true);
        """
    )

