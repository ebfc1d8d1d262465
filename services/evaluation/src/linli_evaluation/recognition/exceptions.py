from linli_shared.problems import Conflict, Forbidden, Invalid, NotFound


class ProgrammeNotFound(NotFound):
    slug = "award-programme-not-found"
    title = "No such award programme on this committee's path"


class ProgrammeNameTaken(Conflict):
    slug = "award-programme-name-taken"
    title = "This district, town or committee already has a programme with this name"


class ProgrammeVersionMismatch(Conflict):
    slug = "award-programme-version-mismatch"
    title = "The programme was changed by someone else; reload it and try again"


class ProgrammeNotYours(Forbidden):
    slug = "award-programme-not-yours"
    title = "Only the district, town or committee that defined a programme (or one above it) changes it"


class ProgrammeRetired(Conflict):
    slug = "award-programme-retired"
    title = "The programme is retired; it takes no new nominations"


class InvalidPeriod(Invalid):
    slug = "award-period-invalid"
    title = "The period is not one of the programme's: a year programme takes 2026, a quarterly one 2026-Q4"


class PeriodNotStarted(Invalid):
    slug = "award-period-not-started"
    title = "Nobody is nominated for a period that has not begun"


class CommitteeNotFound(NotFound):
    slug = "committee-not-found"
    title = "No such committee in your part of the district"


class CommitteeRequired(Invalid):
    slug = "committee-required"
    title = "A town or district admin names the committee (committee_id)"


class VolunteerNotFound(NotFound):
    slug = "volunteer-not-found"
    title = "No such volunteer in this committee"


class VolunteerNotActive(Conflict):
    slug = "volunteer-not-active"
    title = "The volunteer has exited"


class CriteriaNotMet(Invalid):
    slug = "award-criteria-not-met"
    title = "The volunteer does not meet the programme's criteria for this period"


class AlreadyNominated(Conflict):
    slug = "already-nominated"
    title = "The volunteer already has a nomination for this programme and period"


class NomineesFull(Conflict):
    slug = "award-nominees-full"
    title = "The committee has made as many nominations for this programme and period as it may"


class NominationNotFound(NotFound):
    slug = "nomination-not-found"
    title = "Nomination not found"


class TransitionNotAllowed(Conflict):
    slug = "nomination-transition-not-allowed"
    title = "The nomination cannot make this move from where it is"


class FourEyes(Forbidden):
    slug = "four-eyes"
    title = "Whoever made or submitted a nomination does not also approve it"


class NoticeOver(Conflict):
    slug = "notice-over"
    title = "The public notice has ended; objections are no longer taken"


class ObjectionNotFound(NotFound):
    slug = "objection-not-found"
    title = "Objection not found"


class ObjectionResolved(Conflict):
    slug = "objection-resolved"
    title = "The objection has already been resolved"
