"""Domain errors: raised by services, mapped to HTTP status codes at the edge."""
from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the operation; the message is shown to the user."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class TransitionNotAllowed(DomainError):
    """A lifecycle transition that the transitions table forbids (HTTP 409)."""

    status_code = 409


class RuleViolation(DomainError):
    """Input is well-formed but breaks a rule (HTTP 400), e.g. weights not summing to 100."""


class DeadlinePassed(DomainError):
    """The server clock says the deadline has passed (HTTP 409)."""

    status_code = 409


class PermissionDeniedError(DomainError):
    """The acting user may not do this (HTTP 403)."""

    status_code = 403
