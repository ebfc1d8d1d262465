from linli_shared.problems import Conflict, NotFound


class VolunteerNotFound(NotFound):
    slug = "volunteer-not-found"
    title = "No such volunteer"


class AreaNotFound(NotFound):
    slug = "area-not-found"
    title = "No such grid, micro-grid or building"


class CalendarFeedNotFound(NotFound):
    slug = "calendar-feed-not-found"
    title = "No such calendar feed"


class VolunteerNotActive(Conflict):
    slug = "volunteer-not-active"
    title = "The volunteer has exited"
