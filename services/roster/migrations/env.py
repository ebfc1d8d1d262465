"""Migrations run as the owner role; the app role's name comes from the caller (see shared provisioning)."""

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from linli_roster.config import get_settings
from linli_shared.db import make_engine

config = context.config
if "owner_url" not in config.attributes:  # run by hand (`alembic upgrade head`): take the settings
    config.attributes["owner_url"] = get_settings().migration_database_url
    config.attributes["app_role"] = make_url(get_settings().database_url).username
owner_url = config.attributes["owner_url"]


def run() -> None:
    engine = (
        make_engine(owner_url, pool_size=1)
        if owner_url.startswith("postgresql")
        else create_engine(owner_url)
    )
    with engine.connect() as connection:
        context.configure(connection=connection, transaction_per_migration=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run()
