from linli_shared.problems import Conflict, NotFound


class MentorPairNotFound(NotFound):
    slug = "mentor-pair-not-found"
    title = "Mentor pair not found"


class PairExists(Conflict):
    slug = "mentor-pair-exists"
    title = "This mentor and mentee are already paired"


class PairEnded(Conflict):
    slug = "mentor-pair-ended"
    title = "This mentor pair has already ended"


class PartnerNotActive(Conflict):
    slug = "volunteer-not-active"
    title = "Both mentor and mentee must be active volunteers"
