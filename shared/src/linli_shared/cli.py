"""The commands every service has: `linli-<svc> serve | relay | consume | migrate | export-schemas | …`."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from linli_shared.db import Database
from linli_shared.events.consumer import Handler
from linli_shared.events.envelope import EventSpec
from linli_shared.events.outbox import Messaging
from linli_shared.events.processes import run_consumer, run_relay
from linli_shared.events.schemas import write_schemas
from linli_shared.provisioning import DatabaseUrls, migrate
from linli_shared.settings import ServiceSettings
from linli_shared.telemetry import setup_logging, setup_tracing

#: registers a service's own subcommand; it sets `handler(args, settings)` with `set_defaults`.
Extra = Callable[["argparse._SubParsersAction[argparse.ArgumentParser]"], None]


@dataclass(frozen=True)
class ServiceCli:
    name: str
    settings: Callable[[], ServiceSettings]
    messaging: Messaging
    published_topics: Sequence[str]
    consumed_topics: Sequence[str]
    handlers: dict[str, Handler]
    events: Sequence[EventSpec[Any]]
    package_dir: Path
    port: int
    extras: Sequence[Extra] = field(default_factory=tuple)

    @property
    def alembic_ini(self) -> Path:
        # beside the package in the repository; images copy it to /app and set LINLI_ALEMBIC_INI
        return Path(os.environ.get("LINLI_ALEMBIC_INI", self.package_dir.parents[1] / "alembic.ini"))

    def main(self, argv: list[str] | None = None) -> int:
        parser = argparse.ArgumentParser(prog=f"linli-{self.name}")
        commands = parser.add_subparsers(dest="command", required=True)
        serve = commands.add_parser("serve", help="run the HTTP API")
        serve.add_argument("--host", default="127.0.0.1")
        serve.add_argument("--port", type=int, default=self.port)
        commands.add_parser("relay", help="publish the outbox to Kafka")
        commands.add_parser("consume", help="handle the events this service listens to")
        commands.add_parser("migrate", help="apply database migrations (as the owner role)")
        commands.add_parser("export-schemas", help="write the JSON Schemas of this service's events")
        for extra in self.extras:
            extra(commands)
        args = parser.parse_args(argv)
        if args.command == "export-schemas":  # needs no settings: runs anywhere
            for path in write_schemas(self.events, self.package_dir / "events" / "schemas"):
                sys.stdout.write(f"{path}\n")
            return 0
        settings = self.settings()
        if args.command == "serve":
            import uvicorn

            uvicorn.run(
                f"linli_{self.name}.main:app", factory=True, host=args.host, port=args.port, log_config=None
            )
        elif args.command == "relay":
            run_relay(settings, self._prepare(settings), self.messaging, self.published_topics)
        elif args.command == "consume":
            database = self._prepare(settings)
            group = getattr(settings, "consumer_group", f"linli-{self.name}")
            run_consumer(settings, group, database, self.messaging, self.handlers, self.consumed_topics)
        elif args.command == "migrate":
            migrate(
                self.alembic_ini,
                DatabaseUrls(owner=settings.migration_database_url, app=settings.database_url),
            )
        else:
            args.handler(args, settings)
        return 0

    @staticmethod
    def _prepare(settings: ServiceSettings) -> Database:
        setup_logging(settings.service_name, settings.log_level, settings.log_json)
        setup_tracing(settings.service_name, settings.otlp_endpoint)
        return Database.from_url(settings.database_url, pool_size=2)
