from linli_shared.problems import Forbidden, Problem


class LoginsNotConfigured(Problem):
    status = 503
    slug = "logins-not-configured"
    title = "Logins are not configured"


class IdentityUnavailable(Problem):
    """The identity service refused or could not be reached: nothing was issued."""

    status = 502
    slug = "identity-unavailable"
    title = "The identity service could not issue the invitation"


class NotAVolunteer(Forbidden):
    slug = "not-a-volunteer"
    title = "Only a volunteer has a volunteer record of their own"
