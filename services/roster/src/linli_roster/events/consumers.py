"""What the roster service does with other services' events: it keeps its copy of the tenant tree
(a deactivated committee's roster becomes read-only; a moved committee's rows follow its new path) and
when each volunteer last served (for the inactivity rule of the exit mechanism)."""

from __future__ import annotations

from linli_roster import models  # noqa: F401 - every table must be known to follow a moved committee
from linli_roster.activity.consumers import SERVICE_RECORDED, SERVICE_RECORDS_TOPIC, record_service
from linli_roster.database import directory
from linli_shared.events.consumer import Handler
from linli_shared.tenant_directory import IDENTITY_TENANTS_TOPIC

HANDLERS: dict[str, Handler] = {**directory.handlers(), SERVICE_RECORDED.type: record_service}
CONSUMED_TOPICS = (IDENTITY_TENANTS_TOPIC, SERVICE_RECORDS_TOPIC)
