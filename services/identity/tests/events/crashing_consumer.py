"""A consumer of the identity group that dies abruptly (no cleanup, no offset commit) right after the
n-th event's effect has committed: the 'killed mid-batch' half of the exactly-once test."""

import os
import sys

from linli_identity.config import get_settings
from linli_identity.database import messaging
from linli_identity.events.consumers import CONSUMED_TOPICS, HANDLERS
from linli_shared.db import Database
from linli_shared.events.consumer import ConsumerRunner, Outcome
from linli_shared.events.kafka import dead_letter_topic, make_consumer, make_producer, qualified
from linli_shared.events.processes import stop_on_signals


class CrashingRunner(ConsumerRunner):
    crash_after = 0
    handled = 0

    def handle(self, topic: str, raw: bytes, headers) -> Outcome:  # type: ignore[no-untyped-def]
        outcome = super().handle(topic, raw, headers)
        if outcome.handled:
            self.handled += 1
            if self.handled >= self.crash_after:
                os._exit(137)
        return outcome


def main() -> None:
    settings = get_settings()
    database = Database.from_url(settings.database_url, pool_size=1)
    producer = make_producer(settings.kafka_bootstrap, settings.kafka_idempotent)
    group = settings.consumer_group
    runner = CrashingRunner(
        group, database, messaging, HANDLERS, producer, dead_letter_topic(settings.kafka_namespace, group)
    )
    runner.crash_after = int(sys.argv[1])
    topics = [qualified(settings.kafka_namespace, topic) for topic in CONSUMED_TOPICS]
    runner.run(make_consumer(settings.kafka_bootstrap, group, topics), stop_on_signals())


if __name__ == "__main__":
    main()
