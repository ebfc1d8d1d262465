from linli_shared.problems import Conflict, Invalid, NotFound, Problem, TooManyRequests


class RecordNotFound(NotFound):
    slug = "service-record-not-found"
    title = "Service record not found"


class RecordVoided(Conflict):
    slug = "service-record-voided"
    title = "The service record is voided; it can no longer be rated"


class FeedbackClosed(Conflict):
    slug = "feedback-closed"
    title = "The time to rate this service has passed"


class FeedbackLinkInvalid(NotFound):
    """Forged, altered, truncated — or authentic but naming a record its committee does not have. The same
    answer for all of them, so a prober learns nothing about which records exist."""

    slug = "feedback-link-invalid"
    title = "Feedback link not found"


class FeedbackLinkExpired(Problem):
    status = 410
    slug = "feedback-link-expired"
    title = "The feedback link has expired"


class AlreadyRated(Conflict):
    slug = "already-rated"
    title = "This service has already been rated"


class FeedbackRateLimited(TooManyRequests):
    slug = "feedback-rate-limited"
    title = "Too many ratings from this address"


class PeriodInvalid(Invalid):
    slug = "period-invalid"
    title = "The period is not valid"
