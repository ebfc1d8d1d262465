"""`linli-identity <command>`: the shared service commands plus the platform's admin chores."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from linli_identity.config import IdentitySettings, get_settings
from linli_identity.database import messaging
from linli_identity.events.consumers import CONSUMED_TOPICS, HANDLERS
from linli_identity.events.types import ALL_EVENTS, TOPICS
from linli_shared.cli import ServiceCli
from linli_shared.db import Database

Chore = Callable[[argparse.Namespace, IdentitySettings, Database], None]


def _admin(run: Chore) -> Callable[[argparse.Namespace, IdentitySettings], None]:
    """Wrap a chore so it gets an app-role database and always releases it."""

    def handler(args: argparse.Namespace, settings: IdentitySettings) -> None:
        database = Database.from_url(settings.database_url, pool_size=1)
        try:
            run(args, settings, database)
        finally:
            database.dispose()

    return handler


def _seed(args: argparse.Namespace, settings: IdentitySettings, database: Database) -> None:
    from linli_identity.seed import seed_demo

    for login in seed_demo(database):
        sys.stdout.write(f"{login.email}\t{login.role.value}\t{login.where}\n")


def _rotate(args: argparse.Namespace, settings: IdentitySettings, database: Database) -> None:
    from linli_identity.admin import rotate_keys

    sys.stdout.write(rotate_keys(database, settings) + "\n")


def _district(args: argparse.Namespace, settings: IdentitySettings, database: Database) -> None:
    from linli_identity.admin import create_district

    sys.stdout.write(f"{create_district(database, args.name, args.slug)}\n")


def _client(args: argparse.Namespace, settings: IdentitySettings, database: Database) -> None:
    from linli_identity.admin import add_service_client

    add_service_client(database, args.client_id, args.secret, args.scopes.split())


def chores(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    commands.add_parser("seed", help="create the demo district, town, committees and logins").set_defaults(
        handler=_admin(_seed)
    )
    commands.add_parser("rotate-keys", help="sign with a new key; old tokens stay valid").set_defaults(
        handler=_admin(_rotate)
    )
    district = commands.add_parser("create-district", help="add a district under the platform root")
    district.add_argument("--name", required=True)
    district.add_argument("--slug", required=True)
    district.set_defaults(handler=_admin(_district))
    client = commands.add_parser("add-service-client", help="let a Linli service obtain service tokens")
    client.add_argument("--client-id", required=True)
    client.add_argument("--secret", required=True)
    client.add_argument("--scopes", default="tenants:read members:read")
    client.set_defaults(handler=_admin(_client))


cli = ServiceCli(
    name="identity",
    settings=get_settings,
    messaging=messaging,
    published_topics=TOPICS,
    consumed_topics=CONSUMED_TOPICS,
    handlers=HANDLERS,
    events=ALL_EVENTS,
    package_dir=Path(__file__).resolve().parent,
    port=8001,
    extras=(chores,),
)


def main(argv: list[str] | None = None) -> int:
    return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main())
