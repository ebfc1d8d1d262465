from linli_shared.problems import Conflict, Forbidden, Invalid, NotFound


class RecordNotFound(NotFound):
    slug = "service-record-not-found"
    title = "Service record not found"


class RecordVoided(Conflict):
    slug = "service-record-voided"
    title = "The service record is voided; its hours no longer change"


class HoursUnchanged(Invalid):
    slug = "hours-unchanged"
    title = "The record already has these hours"


class LateEntryNotFound(NotFound):
    slug = "late-entry-not-found"
    title = "Late entry not found"


class CorrectionNotFound(NotFound):
    slug = "correction-not-found"
    title = "Correction request not found"


class ActivityNotFound(NotFound):
    slug = "activity-not-found"
    title = "Activity not found"


class ShiftNotFound(NotFound):
    slug = "shift-not-found"
    title = "Shift not found"


class VolunteerNotFound(NotFound):
    slug = "volunteer-not-found"
    title = "Volunteer not found"


class VolunteerNotActive(Conflict):
    slug = "volunteer-not-active"
    title = "The volunteer has exited"


class LateEntryWindowPassed(Invalid):
    slug = "late-entry-window-passed"
    title = "The service day is too long ago for a late entry"


class ServiceInFuture(Invalid):
    slug = "service-in-future"
    title = "A late entry records service that has already happened"


class ServiceTimesInvalid(Invalid):
    slug = "service-times-invalid"
    title = "The service times do not make sense"


class ShiftNotOfActivity(Invalid):
    slug = "shift-not-of-activity"
    title = "The shift belongs to another activity"


class ShiftCancelled(Conflict):
    slug = "shift-cancelled"
    title = "The shift was cancelled"


class ActivityEarnsNoHours(Invalid):
    slug = "activity-earns-no-hours"
    title = "Attending this kind of activity earns no service hours"


class AlreadyRecorded(Conflict):
    slug = "service-already-recorded"
    title = "The volunteer already has a service record for this shift"


class LateEntryPending(Conflict):
    slug = "late-entry-pending"
    title = "A late entry for this volunteer and shift is already waiting for a decision"


class AlreadyDecided(Conflict):
    slug = "already-decided"
    title = "This request has already been decided"


class FourEyes(Forbidden):
    slug = "four-eyes"
    title = "A request is decided by someone other than who filed it and whose service it is"


class CorrectionPending(Conflict):
    slug = "correction-pending"
    title = "A correction request for this record is already waiting for a decision"


class ServiceOverlaps(Conflict):
    slug = "service-overlaps-record"
    title = "The volunteer already has a service record for part of this time"


class CorrectionMoot(Conflict):
    slug = "correction-moot"
    title = "The record already has the requested hours; refuse the request with a note instead"
