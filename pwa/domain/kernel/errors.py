"""Domain errors that carry their HTTP meaning and a message for the user."""

from __future__ import annotations

from collections.abc import Mapping


class DomainError(Exception):
    """Base of all rule violations; `message` is already translated."""

    status_code = 400

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


class Refused(DomainError):
    """A request that cannot be honoured as sent (a failed passkey check, a bad link)."""

    status_code = 400


class TooManyAttempts(DomainError):
    """Too many failed attempts from one client: wait before trying again."""

    status_code = 429


class NotFound(DomainError):
    """No such object, or one the user may not see (never reveal which)."""

    status_code = 404


class Forbidden(DomainError):
    """The user may not do this (used where existence is no secret, e.g. own role's pages)."""

    status_code = 403


class Conflict(DomainError):
    """The object changed meanwhile, or the action is not allowed in its current state."""

    status_code = 409


class Invalid(DomainError):
    """The input breaks a rule; `errors` maps form fields to messages."""

    status_code = 422

    def __init__(self, message: str = "", errors: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.errors: dict[str, str] = dict(errors or {})
