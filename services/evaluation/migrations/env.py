"""Migrations run as the owner role (see linli_shared.migrations.run_migrations)."""

from linli_evaluation.config import get_settings
from linli_shared.migrations import run_migrations

run_migrations(get_settings)
