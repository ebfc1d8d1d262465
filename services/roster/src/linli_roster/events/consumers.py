"""What the roster service does with other services' events: it keeps its copy of the tenant tree
(a deactivated committee's roster becomes read-only; a moved committee's rows follow its new path) and
when each volunteer last served (for the inactivity rule of the exit mechanism), and links a volunteer's
accepted login invitation to their record, and records the completions of training sessions held
in scheduling (a passing one grants the course's qualification) and the honours evaluation confers."""

from __future__ import annotations

from linli_roster import models  # noqa: F401 - every table must be known to follow a moved committee
from linli_roster.activity.consumers import SERVICE_RECORDED, SERVICE_RECORDS_TOPIC, record_service
from linli_roster.database import directory
from linli_roster.honours.consumers import HONOUR_CONFERRED, HONOURS_TOPIC, record_honour
from linli_roster.logins.consumers import IDENTITY_USERS_TOPIC, MEMBERSHIP_GRANTED, link_volunteer_login
from linli_roster.training.consumers import TRAINING_ATTENDED, TRAINING_TOPIC, record_training
from linli_shared.events.consumer import Handler
from linli_shared.tenant_directory import IDENTITY_TENANTS_TOPIC

HANDLERS: dict[str, Handler] = {
    **directory.handlers(),
    SERVICE_RECORDED.type: record_service,
    MEMBERSHIP_GRANTED.type: link_volunteer_login,
    TRAINING_ATTENDED.type: record_training,
    HONOUR_CONFERRED.type: record_honour,
}
CONSUMED_TOPICS = (
    IDENTITY_TENANTS_TOPIC,
    SERVICE_RECORDS_TOPIC,
    IDENTITY_USERS_TOPIC,
    TRAINING_TOPIC,
    HONOURS_TOPIC,
)
