"""`linli-roster <command>`: the shared service commands plus roster chores."""

from __future__ import annotations

import argparse
import sys
import uuid
from pathlib import Path

from linli_roster.config import RosterSettings, get_settings
from linli_roster.database import messaging
from linli_roster.events.consumers import CONSUMED_TOPICS, HANDLERS
from linli_roster.events.types import ALL_EVENTS, TOPICS
from linli_shared.cli import ServiceCli
from linli_shared.db import Database


def seed(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("seed", help="fill one committee with the demo roster (idempotent)")
    parser.add_argument("--tenant-id", type=uuid.UUID, required=True)
    parser.add_argument("--tenant-path", required=True)
    parser.set_defaults(handler=_seed)


def reencrypt(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    commands.add_parser(
        "reencrypt-id-numbers",
        help="after putting a new key in front of ID_NUMBER_KEYS, move old rows onto it",
    ).set_defaults(handler=_reencrypt)


def _reencrypt(args: argparse.Namespace, settings: RosterSettings) -> None:
    from linli_roster.protection import IdNumberCipher
    from linli_roster.volunteers.tasks import reencrypt_id_numbers

    database = Database.from_url(settings.database_url, pool_size=1)
    try:
        moved = reencrypt_id_numbers(database, IdNumberCipher(settings.id_number_keys))
        sys.stdout.write(f"{moved} ID numbers moved to key {settings.id_number_keys.split(':', 1)[0]}\n")
    finally:
        database.dispose()


def _seed(args: argparse.Namespace, settings: RosterSettings) -> None:
    from linli_roster.protection import IdNumberCipher
    from linli_roster.seed import seed_committee, seed_programmes

    database = Database.from_url(settings.database_url, pool_size=1)
    try:
        size = seed_committee(
            database, IdNumberCipher(settings.id_number_keys), args.tenant_id, args.tenant_path
        )
        seed_programmes(database, args.tenant_id, args.tenant_path)
        sys.stdout.write(f"{size} volunteers\n")
    finally:
        database.dispose()


cli = ServiceCli(
    name="roster",
    settings=get_settings,
    messaging=messaging,
    published_topics=TOPICS,
    consumed_topics=CONSUMED_TOPICS,
    handlers=HANDLERS,
    events=ALL_EVENTS,
    package_dir=Path(__file__).resolve().parent,
    port=8002,
    extras=(seed, reencrypt),
)


def main(argv: list[str] | None = None) -> int:
    return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main())
