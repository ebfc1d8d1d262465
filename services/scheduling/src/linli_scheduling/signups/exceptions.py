from linli_shared.problems import Conflict, Invalid, NotFound


class ShiftNotFound(NotFound):
    slug = "shift-not-found"
    title = "Shift not found"


class SignupNotFound(NotFound):
    slug = "signup-not-found"
    title = "Sign-up not found"


class VolunteerNotFound(NotFound):
    slug = "volunteer-not-found"
    title = "Volunteer not found"


class ShiftNotOpen(Conflict):
    slug = "shift-not-open"
    title = "The shift is cancelled or has already started"


class RequirementsUnmet(Invalid):
    """`unmet` lists the codes of `facts.eligibility` (e.g. `qualification-required:应急救护`)."""

    slug = "requirements-unmet"
    title = "The volunteer does not meet the shift's requirements"


class AlreadySignedUp(Conflict):
    slug = "already-signed-up"
    title = "The volunteer is already signed up for this shift"


class OverlappingBooking(Conflict):
    slug = "overlapping-booking"
    title = "The volunteer is already booked for a shift at an overlapping time"


class SignupNotLive(Conflict):
    slug = "signup-not-live"
    title = "The sign-up is already cancelled or marked as a no-show"


class CancellationCutoffPassed(Conflict):
    slug = "cancellation-cutoff-passed"
    title = "It is too close to the shift's start to cancel; ask the committee's staff"


class ShiftStarted(Conflict):
    slug = "shift-started"
    title = "The shift has started; a sign-up can no longer be cancelled"


class ShiftNotStarted(Conflict):
    slug = "shift-not-started"
    title = "A no-show can only be marked once the shift has started"


class SignupNotConfirmed(Conflict):
    slug = "signup-not-confirmed"
    title = "Only a confirmed sign-up can be marked as a no-show"


class VolunteerAttended(Conflict):
    slug = "volunteer-attended"
    title = "The volunteer checked in to this shift"


class InvalidDateRange(Invalid):
    slug = "invalid-date-range"
    title = "The date range is not valid"
