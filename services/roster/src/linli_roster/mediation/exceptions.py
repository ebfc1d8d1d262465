from linli_shared.problems import Conflict, Invalid, NotFound


class CaseNotFound(NotFound):
    slug = "mediation-case-not-found"
    title = "Mediation case not found"


class NotOnCase(NotFound):
    slug = "mediator-not-on-case"
    title = "This volunteer is not a current mediator of the case"


class NotAMediator(Invalid):
    slug = "not-a-mediator"
    title = "Only a volunteer who currently holds the mediator role (调解员) can mediate"


class AlreadyOnCase(Conflict):
    slug = "mediator-already-on-case"
    title = "This mediator is already on the case"


class CaseClosed(Conflict):
    slug = "mediation-case-closed"
    title = "The case is closed"


class InvalidCase(Invalid):
    slug = "invalid-mediation-case"
    title = "This breaks a rule of the mediation studio"
