from linli_shared.problems import Conflict, NotFound


class CertificateNotFound(NotFound):
    slug = "certificate-not-found"
    title = "Certificate not found"


class CheckNotFound(NotFound):
    """The same answer for a serial that does not exist and for a wrong code: a serial alone reveals
    nothing."""

    slug = "certificate-check-not-found"
    title = "No certificate has this serial number and verification code"


class NoHoursToCertify(Conflict):
    slug = "no-hours-to-certify"
    title = "The committee recorded no service hours for this volunteer in this period"


class AlreadyRevoked(Conflict):
    slug = "certificate-already-revoked"
    title = "The certificate is already revoked"


class CommitteeUnknown(Conflict):
    slug = "committee-unknown"
    title = "The committee is not yet known to evaluation; its tenant events have not arrived"
