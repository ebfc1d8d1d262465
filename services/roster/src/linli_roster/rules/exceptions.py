from linli_shared.problems import Conflict, NotFound


class RulesNotFound(NotFound):
    slug = "rules-not-found"
    title = "No such version of the volunteer rules"


class AlreadyAcknowledged(Conflict):
    slug = "already-acknowledged"
    title = "This volunteer has already acknowledged this version"
