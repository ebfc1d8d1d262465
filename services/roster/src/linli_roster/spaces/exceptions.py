from linli_shared.problems import Conflict, Invalid, NotFound


class AreaNotFound(NotFound):
    slug = "area-not-found"
    title = "Area not found"


class InvalidAreaParent(Invalid):
    slug = "invalid-area-parent"
    title = "Grids hold micro-grids, micro-grids hold buildings"


class AreaNameTaken(Conflict):
    slug = "area-name-taken"
    title = "An area with this name is already here"
