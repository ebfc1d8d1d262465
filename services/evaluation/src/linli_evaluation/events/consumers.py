"""What the evaluation service does with other services' events: it keeps its copy of the tenant tree and
the roster facts it names people and places by, books scheduling's service records into the hours
ledger, and keeps the sign-up and training facts the dynamic evaluation weighs and the project names
reports print."""

from __future__ import annotations

from linli_evaluation import models  # noqa: F401 - every table must be known to follow a moved committee
from linli_evaluation.database import directory
from linli_evaluation.facts.consumers import HANDLERS as FACT_HANDLERS
from linli_evaluation.facts.consumers import ROSTER_TOPICS
from linli_evaluation.ledger.consumers import HANDLERS as LEDGER_HANDLERS
from linli_evaluation.ledger.consumers import TOPICS as LEDGER_TOPICS
from linli_evaluation.reports.consumers import HANDLERS as REPORT_HANDLERS
from linli_evaluation.reports.consumers import TOPICS as REPORT_TOPICS
from linli_evaluation.scores.consumers import HANDLERS as SCORE_HANDLERS
from linli_evaluation.scores.consumers import TOPICS as SCORE_TOPICS
from linli_shared.events.consumer import Handler
from linli_shared.tenant_directory import IDENTITY_TENANTS_TOPIC

HANDLERS: dict[str, Handler] = {
    **directory.handlers(),
    **FACT_HANDLERS,
    **LEDGER_HANDLERS,
    **SCORE_HANDLERS,
    **REPORT_HANDLERS,
}
CONSUMED_TOPICS = tuple(
    dict.fromkeys((IDENTITY_TENANTS_TOPIC, *ROSTER_TOPICS, *LEDGER_TOPICS, *SCORE_TOPICS, *REPORT_TOPICS))
)
