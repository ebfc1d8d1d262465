from linli_shared.problems import Conflict, NotFound


class ProjectNotFound(NotFound):
    slug = "project-not-found"
    title = "Project not found"


class ProjectNameTaken(Conflict):
    slug = "project-name-taken"
    title = "The committee already has an open project with this name"


class ProjectClosed(Conflict):
    slug = "project-closed"
    title = "The project is closed; it takes no edits and no new members"


class ProjectVersionMismatch(Conflict):
    slug = "project-version-mismatch"
    title = "The project was changed by someone else; reload it and try again"


class StatusChangeNotAllowed(Conflict):
    slug = "project-status-change-not-allowed"
    title = "A project goes from incubating to established or closed, and from established to closed"


class VolunteerNotFound(NotFound):
    slug = "volunteer-not-found"
    title = "No such volunteer in this committee"


class VolunteerNotActive(Conflict):
    slug = "volunteer-not-active"
    title = "The volunteer has exited"


class AlreadyMember(Conflict):
    slug = "project-member-exists"
    title = "The volunteer is already on the project's team"


class MemberNotFound(NotFound):
    slug = "project-member-not-found"
    title = "The volunteer is not on the project's team"
