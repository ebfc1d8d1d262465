"""`linli-scheduling <command>`: the shared service commands plus the demo seed."""

from __future__ import annotations

import argparse
import sys
import uuid
from pathlib import Path

from linli_evaluation.config import EvaluationSettings, get_settings
from linli_evaluation.database import messaging
from linli_evaluation.events.consumers import CONSUMED_TOPICS, HANDLERS
from linli_evaluation.events.types import ALL_EVENTS, TOPICS
from linli_shared.cli import ServiceCli
from linli_shared.db import Database


def seed(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "seed", help="give one committee a year of history, an open audit and nominees"
    )
    parser.add_argument("--tenant-id", type=uuid.UUID, required=True)
    parser.add_argument("--tenant-path", required=True)
    parser.add_argument(
        "--expect-records",
        type=int,
        default=1,
        help="wait until scheduling's events have brought this many service records (its seed's count)",
    )
    parser.add_argument("--auditor-id", type=uuid.UUID, help="the demo auditor the open audit is dealt to")
    parser.set_defaults(handler=_seed)


def _seed(args: argparse.Namespace, settings: EvaluationSettings) -> None:
    from linli_evaluation.seed import seed_committee

    database = Database.from_url(settings.database_url, pool_size=1)
    try:
        summary = seed_committee(
            database, args.tenant_id, args.tenant_path, args.expect_records, args.auditor_id
        )
        sys.stdout.write(f"{summary}\n")
    finally:
        database.dispose()


cli = ServiceCli(
    name="evaluation",
    settings=get_settings,
    messaging=messaging,
    published_topics=TOPICS,
    consumed_topics=CONSUMED_TOPICS,
    handlers=HANDLERS,
    events=ALL_EVENTS,
    package_dir=Path(__file__).resolve().parent,
    port=8004,
    extras=(seed,),
)


def main(argv: list[str] | None = None) -> int:
    return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main())
