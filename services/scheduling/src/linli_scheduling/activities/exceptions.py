from linli_shared.problems import Conflict, Invalid, NotFound


class ActivityNotFound(NotFound):
    slug = "activity-not-found"
    title = "Activity not found"


class ShiftNotFound(NotFound):
    slug = "shift-not-found"
    title = "Shift not found"


class ProjectNotFound(NotFound):
    slug = "project-not-found"
    title = "Project not found"


class AreaNotFound(NotFound):
    slug = "area-not-found"
    title = "No such grid, micro-grid or building in this committee"


class VolunteerNotFound(NotFound):
    slug = "volunteer-not-found"
    title = "No such volunteer in this committee"


class CourseNotFound(NotFound):
    slug = "course-not-found"
    title = "No such course in this committee"


class ProjectClosed(Conflict):
    slug = "project-closed"
    title = "The project is closed; it takes no new activities"


class AreaInactive(Conflict):
    slug = "area-inactive"
    title = "The grid, micro-grid or building is no longer in use"


class VolunteerNotActive(Conflict):
    slug = "volunteer-not-active"
    title = "The volunteer has exited"


class FirstStartOutOfRange(Invalid):
    slug = "first-start-out-of-range"
    title = "An activity starts within a year before or after today"


class ActivityNotActive(Conflict):
    slug = "activity-not-active"
    title = "The activity has ended or was cancelled"


class SeriesEndsBeforeStart(Invalid):
    slug = "series-ends-before-start"
    title = "A series ends on or after its first day; cancel the activity instead"


class CalendarTooWide(Invalid):
    slug = "calendar-too-wide"
    title = "A calendar covers 1 to 92 days, `from` to `to`"


class NotAnOccurrence(Invalid):
    slug = "not-an-occurrence"
    title = "The activity has no occurrence on that day"


class ExceptionExists(Conflict):
    slug = "exception-exists"
    title = "That day is already an exception"


class TooManyExceptions(Conflict):
    slug = "too-many-exceptions"
    title = "The activity has as many exception dates as it can keep"


class DayPassed(Invalid):
    slug = "day-passed"
    title = "That day has passed"


class ShiftCancelled(Conflict):
    slug = "shift-cancelled"
    title = "The shift is cancelled"


class ShiftStarted(Conflict):
    slug = "shift-started"
    title = "The shift has started or is over"


class ShiftClosed(Conflict):
    slug = "shift-closed"
    title = "The shift is closed"


class CapacityBelowConfirmed(Conflict):
    slug = "capacity-below-confirmed"
    title = "The capacity cannot drop below the confirmed sign-ups"


class ShiftDayTaken(Conflict):
    slug = "shift-day-taken"
    title = "The activity already has a shift on that day"


class OverlappingBooking(Conflict):
    slug = "overlapping-booking"
    title = "A volunteer signed up for this shift has another booking at the new time"


class ShiftMoveInvalid(Invalid):
    slug = "shift-move-invalid"
    title = "A shift moves to a time still ahead, lasting 5 minutes to 24 hours"
