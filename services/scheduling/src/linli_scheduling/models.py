"""Every table of the scheduling service, imported in one place, so that work over the whole metadata —
following a moved committee to its new path — sees them all in every process (API, consumer, worker)."""

from linli_scheduling.activities import models as activities
from linli_scheduling.attendance import models as attendance
from linli_scheduling.facts import models as facts
from linli_scheduling.policies import models as policies
from linli_scheduling.projects import models as projects
from linli_scheduling.records import models as records
from linli_scheduling.reminders import models as reminders
from linli_scheduling.signups import models as signups

__all__ = [
    "activities",
    "attendance",
    "facts",
    "policies",
    "projects",
    "records",
    "reminders",
    "signups",
]
