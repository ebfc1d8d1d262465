from linli_shared.problems import Conflict, Forbidden, Invalid, NotFound


class CheckInCodeInvalid(Invalid):
    slug = "check-in-code-invalid"
    title = "This is not a check-in code of ours"


class CheckInCodeExpired(Invalid):
    slug = "check-in-code-expired"
    title = "The check-in code has expired; scan the code shown now"


class CheckInCodeUsed(Conflict):
    slug = "check-in-code-used"
    title = "You have already used this check-in code; scan the code shown now"


class ShiftNotFound(NotFound):
    slug = "shift-not-found"
    title = "Shift not found"


class VolunteerNotFound(NotFound):
    slug = "volunteer-not-found"
    title = "Volunteer not found"


class VolunteerNotActive(Conflict):
    slug = "volunteer-not-active"
    title = "The volunteer has left the volunteer team"


class NotShiftLeader(Forbidden):
    slug = "not-shift-leader"
    title = "Only the committee's staff or the volunteer leading the shift may do this"


class OwnAttendance(Forbidden):
    slug = "own-attendance"
    title = "A leader does not confirm their own attendance: scan the code, or ask the committee's staff"


class ShiftNotOpen(Conflict):
    slug = "shift-not-open"
    title = "The shift is cancelled or already closed"


class CheckInNotOpen(Conflict):
    slug = "check-in-not-open"
    title = "Check-in for this shift is not open now"


class NotSignedUp(Conflict):
    slug = "not-signed-up"
    title = "You do not have a confirmed place on this shift"


class AlreadyCheckedIn(Conflict):
    slug = "already-checked-in"
    title = "The volunteer is already checked in to this shift"


class NotCheckedIn(Conflict):
    slug = "not-checked-in"
    title = "The volunteer has not checked in to this shift"


class AttendanceClosed(Conflict):
    slug = "attendance-closed"
    title = "The volunteer has already checked out of this shift"


class CheckInRecorded(Conflict):
    slug = "check-in-recorded"
    title = "The check-in is already recorded at another time; only the check-out can be confirmed"
