"""Every table of the roster, imported in one place, so that work over the whole metadata — following a
moved committee to its new path — sees them all in every process (API, consumer, worker)."""

from linli_roster.activity import models as activity
from linli_roster.deliberation import models as deliberation
from linli_roster.honours import models as honours
from linli_roster.mediation import models as mediation
from linli_roster.mentoring import models as mentoring
from linli_roster.recruitment import models as recruitment
from linli_roster.rules import models as rules
from linli_roster.spaces import models as spaces
from linli_roster.training import models as training
from linli_roster.volunteers import models as volunteers

__all__ = [
    "activity",
    "deliberation",
    "honours",
    "mediation",
    "mentoring",
    "recruitment",
    "rules",
    "spaces",
    "training",
    "volunteers",
]
