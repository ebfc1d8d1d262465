"""`linli-roster <command>`: the shared service commands plus roster chores."""

from __future__ import annotations

import sys
from pathlib import Path

from linli_roster.config import get_settings
from linli_roster.database import messaging
from linli_roster.events.consumers import CONSUMED_TOPICS, HANDLERS
from linli_roster.events.types import ALL_EVENTS, TOPICS
from linli_shared.cli import ServiceCli

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
)


def main(argv: list[str] | None = None) -> int:
    return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main())
