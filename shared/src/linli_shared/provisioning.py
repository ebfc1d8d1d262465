"""Creating a service's database, its owner and application roles, and migrating it.

Two roles per service database: the owner runs migrations and owns the tables; the application role
connects at run time as NOSUPERUSER NOBYPASSRLS and owns nothing, so forced row-level security applies.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import psycopg
from alembic import command
from alembic.config import Config
from psycopg import sql
from sqlalchemy.engine import make_url


@dataclass(frozen=True)
class DatabaseUrls:
    owner: str
    app: str


def service_urls(admin_url: str, database: str, prefix: str, password: str) -> DatabaseUrls:
    base = make_url(admin_url)
    owner = base.set(username=f"{prefix}_owner", password=password, database=database)
    app = base.set(username=f"{prefix}_app", password=password, database=database)
    return DatabaseUrls(
        owner=owner.render_as_string(hide_password=False), app=app.render_as_string(hide_password=False)
    )


def provision(
    admin_url: str, urls: DatabaseUrls, extensions: tuple[str, ...] = ("ltree", "pg_trgm", "btree_gist")
) -> None:
    """Idempotently create both roles, the database and its extensions."""
    owner_url, app_url = make_url(urls.owner), make_url(urls.app)
    database, owner, app = str(owner_url.database), str(owner_url.username), str(app_url.username)
    with psycopg.connect(_plain(admin_url), autocommit=True) as admin:
        for role, password in ((owner, owner_url.password), (app, app_url.password)):
            exists = admin.execute("select 1 from pg_roles where rolname = %s", [role]).fetchone()
            verb = "alter" if exists else "create"
            admin.execute(
                sql.SQL(verb + " role {} with login nosuperuser nobypassrls password {}").format(
                    sql.Identifier(role), sql.Literal(str(password))
                )
            )
        if not admin.execute("select 1 from pg_database where datname = %s", [database]).fetchone():
            admin.execute(
                sql.SQL("create database {} owner {}").format(sql.Identifier(database), sql.Identifier(owner))
            )
    statements = [
        *(f"create extension if not exists {extension}" for extension in extensions),
        "grant connect on database {database} to {app}",
        "grant usage on schema public to {app}",
        "grant create on schema public to {owner}",
        # Tables the owner creates later are readable and writable by the app, never deletable by default.
        "alter default privileges for role {owner} in schema public grant select, insert, update on tables to {app}",
        "alter default privileges for role {owner} in schema public grant usage on sequences to {app}",
    ]
    names = {"database": sql.Identifier(database), "owner": sql.Identifier(owner), "app": sql.Identifier(app)}
    with psycopg.connect(_plain(make_url(admin_url).set(database=database)), autocommit=True) as admin:
        for statement in statements:
            admin.execute(sql.SQL(statement).format(**names))


def migrate(alembic_ini: Path, urls: DatabaseUrls, revision: str = "heads") -> None:
    """Upgrade to every head: a service's domain packages may each add their own migration branch."""
    config = Config(str(alembic_ini))
    config.set_main_option("script_location", str(alembic_ini.parent / "migrations"))
    config.attributes["owner_url"] = urls.owner
    config.attributes["app_role"] = make_url(urls.app).username
    command.upgrade(config, revision)


def _plain(url: object) -> str:
    """psycopg wants a libpq URL, not SQLAlchemy's `postgresql+psycopg://`."""
    rendered = url.render_as_string(hide_password=False) if hasattr(url, "render_as_string") else str(url)
    return rendered.replace("postgresql+psycopg://", "postgresql://")
