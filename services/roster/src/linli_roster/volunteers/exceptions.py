from linli_shared.problems import Conflict, Invalid, NotFound


class VolunteerNotFound(NotFound):
    slug = "volunteer-not-found"
    title = "Volunteer not found"


class RoleNotFound(NotFound):
    slug = "role-not-found"
    title = "Role not found"


class PhoneTaken(Conflict):
    slug = "phone-taken"
    title = "An active volunteer of this committee already has this phone number"


class WrongStatus(Conflict):
    slug = "wrong-status"
    title = "Not possible in the volunteer's current status"


class InvalidRoleScope(Invalid):
    slug = "invalid-role-scope"
    title = "This role needs a matching area"
