from linli_shared.problems import Conflict, Invalid, NotFound


class TenantNotFound(NotFound):
    slug = "tenant-not-found"
    title = "Tenant not found"


class SlugTaken(Conflict):
    slug = "slug-taken"
    title = "This short name is already used"


class InvalidParent(Invalid):
    slug = "invalid-parent"
    title = "A node cannot go there"


class TenantInactive(Conflict):
    slug = "tenant-inactive"
    title = "This node is deactivated"
