"""Errors the researchers services raise; views and the API map them to HTTP answers."""


class ServiceError(Exception):
    """A refused write with a message a person can act on. Maps to 400."""

    status_code = 400

    def __init__(self, message, **context):
        super().__init__(message)
        self.message = message
        self.context = context


class NotAllowed(ServiceError):
    """The actor may not do this (403)."""

    status_code = 403


class Conflict(ServiceError):
    """The record's state forbids it: owned, disputed, already done (409)."""

    status_code = 409

    def __init__(self, message, *, dispute=None, **context):
        super().__init__(message, **context)
        self.dispute = dispute


class RateLimited(ServiceError):
    """Too many writes in the window (429)."""

    status_code = 429
