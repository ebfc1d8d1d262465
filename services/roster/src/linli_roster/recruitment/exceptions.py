from linli_shared.problems import Conflict, Invalid, NotFound


class NeedNotFound(NotFound):
    slug = "need-not-found"
    title = "Need not found"


class CandidateNotFound(NotFound):
    slug = "candidate-not-found"
    title = "Candidate not found"


class NoticeNotFound(NotFound):
    slug = "notice-not-found"
    title = "Public notice not found"


class ObjectionNotFound(NotFound):
    slug = "objection-not-found"
    title = "Objection not found"


class NeedClosed(Conflict):
    slug = "need-closed"
    title = "The need is closed"


class NeedFilled(Conflict):
    slug = "need-filled"
    title = "The need already has as many people as it asked for"


class CandidateExists(Conflict):
    slug = "candidate-exists"
    title = "This person is already an undecided candidate for this need"


class AlreadyDecided(Conflict):
    slug = "candidate-decided"
    title = "Not possible in the candidate's current status"


class NoticeNotOpen(Conflict):
    slug = "notice-not-open"
    title = "The public notice is no longer open"


class NoticeExists(Conflict):
    slug = "notice-exists"
    title = "The volunteer already has an open public notice"


class NotPromotable(Conflict):
    slug = "not-promotable"
    title = "Only an active volunteer who is not yet backbone can be promoted"


class AlreadyRuled(Conflict):
    slug = "objection-ruled"
    title = "The objection has already been ruled on"


class ScoreMismatch(Invalid):
    slug = "score-mismatch"
    title = "The answers do not match the committee's current criteria and rubric"


class ScreeningChanged(Conflict):
    slug = "screening-changed"
    title = "The criteria or rubric changed at the same moment; try again"
