"""Certificates: service certificates (志愿服务证明) and the per-committee, per-year serial counters.

The public check reads a certificate without any tenant: the extra select-only policy shows exactly the
row whose serial and verification code the request presented (`app.certificate_serial`,
`app.certificate_code`, granted for that one transaction), and nothing else.

Revision ID: 0002_certificates
Revises: 0001
"""

from alembic import op

from linli_shared.migrations import grant_app, tenant_rls

revision = "0002_certificates"
down_revision = "0001"

PRESENTED_SERIAL = "nullif(current_setting('app.certificate_serial', true), '')"
PRESENTED_CODE = "nullif(current_setting('app.certificate_code', true), '')"


def upgrade() -> None:
    op.execute(
        """
        create table certificates (
            tenant_id uuid not null,
            id uuid not null,
            tenant_path ltree not null,
            serial varchar(100) not null,
            year integer not null,
            sequence integer not null check (sequence > 0),
            verification_code varchar(16) not null,
            volunteer_id uuid not null,
            volunteer_name varchar(50) not null,
            volunteer_number varchar(40) not null,
            id_type varchar(16) not null check (id_type in ('居民身份证', '港澳台居民居住证', '护照', '其他')),
            id_number_masked varchar(32) not null check (id_number_masked like '%*%'),
            period_from date not null,
            period_to date not null,
            hours numeric(10, 2) not null check (hours > 0),
            record_count integer not null check (record_count > 0),
            activity_count integer not null check (activity_count > 0),
            service_content varchar(500) not null,
            activities jsonb not null,
            lines jsonb not null,
            record_ids uuid[] not null,
            purpose varchar(50) not null default '',
            issuer_name varchar(100) not null,
            handler varchar(50) not null,
            issued_on date not null,
            issued_at timestamptz not null,
            issued_by varchar(80) not null,
            status varchar(16) not null default 'valid' check (status in ('valid', 'revoked')),
            revoked_at timestamptz,
            revoked_by varchar(80),
            revoke_reason varchar(500),
            created_at timestamptz not null default now(),
            primary key (tenant_id, id),
            unique (tenant_id, serial),
            unique (tenant_id, year, sequence),
            check (period_to >= period_from),
            check ((status = 'revoked') = (revoked_at is not null))
        );
        create index certificates_of_volunteer on certificates (tenant_id, volunteer_id, issued_at);
        create index certificates_by_issue on certificates (issued_at, id);
        -- the public check finds a certificate by its serial alone (it knows no tenant)
        create index certificates_by_serial on certificates (serial);
        create index certificates_path on certificates using gist (tenant_path);

        create table certificate_counters (
            tenant_id uuid not null,
            year integer not null,
            tenant_path ltree not null,
            last_sequence integer not null check (last_sequence > 0),
            primary key (tenant_id, year)
        );
        """
    )
    op.execute(tenant_rls("certificates") + tenant_rls("certificate_counters"))
    op.execute(
        f"""
        create policy certificates_presented on certificates for select
            using (serial = {PRESENTED_SERIAL} and verification_code = {PRESENTED_CODE});
        """
    )
    op.execute(grant_app(op.get_context().config.attributes["app_role"]))


def downgrade() -> None:
    op.execute("drop table certificate_counters; drop table certificates;")
