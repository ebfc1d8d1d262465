"""Every table of the evaluation service, imported in one place, so that work over the whole metadata —
following a moved committee to its new path — sees them all in every process (API, consumer, worker)."""

from linli_evaluation.audits import models as audits
from linli_evaluation.certificates import models as certificates
from linli_evaluation.facts import models as facts
from linli_evaluation.feedback import models as feedback
from linli_evaluation.ledger import models as ledger
from linli_evaluation.recognition import models as recognition
from linli_evaluation.reports import models as reports
from linli_evaluation.scores import models as scores
from linli_evaluation.stars import models as stars

__all__ = [
    "audits",
    "certificates",
    "facts",
    "feedback",
    "ledger",
    "recognition",
    "reports",
    "scores",
    "stars",
]
