"""What the roster service does with other services' events: it keeps its copy of the tenant tree
(a deactivated committee's roster becomes read-only; a moved committee's rows follow its new path)."""

from __future__ import annotations

from linli_roster.database import directory
from linli_shared.events.consumer import Handler
from linli_shared.tenant_directory import IDENTITY_TENANTS_TOPIC

HANDLERS: dict[str, Handler] = directory.handlers()
CONSUMED_TOPICS = (IDENTITY_TENANTS_TOPIC,)
