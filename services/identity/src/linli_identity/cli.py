"""`linli-identity <command>`: serve the API, run the outbox relay or the consumer, and admin chores."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from linli_identity.config import IdentitySettings, get_settings
from linli_identity.database import messaging
from linli_identity.events.types import ALL_EVENTS, TOPICS
from linli_shared.db import Database
from linli_shared.events.processes import run_consumer, run_relay
from linli_shared.events.schemas import write_schemas
from linli_shared.provisioning import DatabaseUrls, migrate
from linli_shared.telemetry import setup_logging, setup_tracing

# beside the package in the repository; images copy it to /app and point LINLI_ALEMBIC_INI at it
ALEMBIC_INI = Path(os.environ.get("LINLI_ALEMBIC_INI", Path(__file__).resolve().parents[2] / "alembic.ini"))
SCHEMAS_DIR = Path(__file__).resolve().parent / "events" / "schemas"


def _prepare(settings: IdentitySettings) -> Database:
    setup_logging(settings.service_name, settings.log_level, settings.log_json)
    setup_tracing(settings.service_name, settings.otlp_endpoint)
    return Database.from_url(settings.database_url, pool_size=2)


def serve(settings: IdentitySettings, host: str, port: int) -> None:
    import uvicorn

    uvicorn.run(
        "linli_identity.main:app", factory=True, host=host, port=port, log_config=None, access_log=False
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="linli-identity")
    commands = parser.add_subparsers(dest="command", required=True)
    serve_cmd = commands.add_parser("serve", help="run the HTTP API")
    serve_cmd.add_argument("--host", default="127.0.0.1")
    serve_cmd.add_argument("--port", type=int, default=8001)
    commands.add_parser("relay", help="publish the outbox to Kafka")
    commands.add_parser("consume", help="handle identity events")
    commands.add_parser("migrate", help="apply database migrations (as the owner role)")
    commands.add_parser("seed", help="create the demo district, town, committees and logins")
    commands.add_parser("export-schemas", help="write the JSON Schemas of identity events")
    commands.add_parser("rotate-keys", help="start signing with a new key; old tokens stay valid")
    district = commands.add_parser("create-district", help="add a district under the platform root")
    district.add_argument("--name", required=True)
    district.add_argument("--slug", required=True)
    client = commands.add_parser("add-service-client", help="let a Linli service obtain service tokens")
    client.add_argument("--client-id", required=True)
    client.add_argument("--secret", required=True)
    client.add_argument("--scopes", default="tenants:read members:read")
    args = parser.parse_args(argv)
    if args.command == "export-schemas":  # needs no settings: CI and developers run it anywhere
        for path in write_schemas(ALL_EVENTS, SCHEMAS_DIR):
            sys.stdout.write(f"{path}\n")
        return 0
    settings = get_settings()

    if args.command == "serve":
        serve(settings, args.host, args.port)
    elif args.command == "relay":
        run_relay(settings, _prepare(settings), messaging, TOPICS)
    elif args.command == "consume":
        from linli_identity.events.consumers import CONSUMED_TOPICS, HANDLERS

        database = _prepare(settings)
        run_consumer(settings, settings.consumer_group, database, messaging, HANDLERS, CONSUMED_TOPICS)
    elif args.command == "migrate":
        migrate(ALEMBIC_INI, DatabaseUrls(owner=settings.migration_database_url, app=settings.database_url))
    else:
        return _admin(args, settings)
    return 0


def _admin(args: argparse.Namespace, settings: IdentitySettings) -> int:
    from linli_identity import admin

    database = Database.from_url(settings.database_url, pool_size=1)
    try:
        if args.command == "seed":
            from linli_identity.seed import seed_demo

            for login in seed_demo(database):
                sys.stdout.write(f"{login.email}\t{login.role.value}\t{login.where}\n")
        elif args.command == "rotate-keys":
            sys.stdout.write(admin.rotate_keys(database, settings) + "\n")
        elif args.command == "create-district":
            sys.stdout.write(str(admin.create_district(database, args.name, args.slug)) + "\n")
        elif args.command == "add-service-client":
            admin.add_service_client(database, args.client_id, args.secret, args.scopes.split())
    finally:
        database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
