from linli_shared.problems import Conflict, NotFound


class CourseNotFound(NotFound):
    slug = "course-not-found"
    title = "Course not found"


class QualificationNotFound(NotFound):
    slug = "qualification-not-found"
    title = "Qualification not found"


class CourseNameTaken(Conflict):
    slug = "course-name-taken"
    title = "The committee already has a course with this name"


class CourseRetired(Conflict):
    slug = "course-retired"
    title = "The course has been retired"


class CompletionRecorded(Conflict):
    slug = "completion-recorded"
    title = "This volunteer's completion of this course on this day is already recorded"


class VolunteerNotActive(Conflict):
    slug = "volunteer-not-active"
    title = "The volunteer has exited"


class QualificationNotActive(Conflict):
    slug = "qualification-not-active"
    title = "Only a live qualification can be revoked"
