"""What the scheduling service does with other services' events: it keeps its copy of the tenant tree
(a deactivated committee's schedule becomes read-only; a moved committee's rows follow its new path)
and the roster facts shift requirements are checked against."""

from __future__ import annotations

from linli_scheduling import models  # noqa: F401 - every table must be known to follow a moved committee
from linli_scheduling.database import directory
from linli_scheduling.facts.consumers import HANDLERS as FACT_HANDLERS
from linli_scheduling.facts.consumers import ROSTER_TOPICS
from linli_shared.events.consumer import Handler
from linli_shared.tenant_directory import IDENTITY_TENANTS_TOPIC

HANDLERS: dict[str, Handler] = {**directory.handlers(), **FACT_HANDLERS}
CONSUMED_TOPICS = (IDENTITY_TENANTS_TOPIC, *ROSTER_TOPICS)
