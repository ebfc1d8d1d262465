from linli_shared.problems import Conflict, Forbidden, Invalid, NotFound


class InvitationNotFound(NotFound):
    slug = "invitation-not-found"
    title = "Invitation not found"


class InvitationNotUsable(Conflict):
    slug = "invitation-not-usable"
    title = "This invitation can no longer be used"


class MembershipNotFound(NotFound):
    slug = "membership-not-found"
    title = "Membership not found"


class RoleNotInvitable(Forbidden):
    slug = "role-not-invitable"
    title = "You may not give this role"


class RoleNotAtThisNode(Invalid):
    slug = "role-not-at-this-node"
    title = "This role is not held at this kind of node"


class ExistingAccountPassword(Invalid):
    slug = "existing-account-password"
    title = "This email already has an account: enter its password to accept"
