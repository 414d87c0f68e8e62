"""Domain errors: services raise them with a translated message a view can show as is."""


class DomainError(Exception):
    """A refused operation; str(error) is the translated message for the person."""

    def __init__(self, message, *, code: str = "refused"):
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self):
        return str(self.message)


class DeadlinePassed(DomainError):
    def __init__(self, message):
        super().__init__(message, code="deadline")


class NotOpenYet(DomainError):
    def __init__(self, message):
        super().__init__(message, code="not_open")
