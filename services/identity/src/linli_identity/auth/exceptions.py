from linli_shared.problems import Invalid, Unauthorized


class InvalidCredentials(Unauthorized):
    """One message for unknown account, wrong password, locked account: nothing to learn from it."""

    slug = "invalid-credentials"
    title = "Login failed"

    def __init__(self) -> None:
        super().__init__("The email or password is not correct, or the account is temporarily locked.")


class InvalidRefreshToken(Unauthorized):
    slug = "invalid-refresh-token"
    title = "Please log in again"


class InvalidClient(Unauthorized):
    slug = "invalid-client"
    title = "Unknown client or wrong secret"


class WrongPassword(Invalid):
    slug = "wrong-password"
    title = "The current password is not correct"
