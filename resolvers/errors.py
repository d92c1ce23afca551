"""Domain errors: each carries a code that one table maps to GraphQL and one to HTTP."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    CONFLICT = "CONFLICT"
    PRECONDITION_FAILED = "PRECONDITION_FAILED"
    LIMIT_EXCEEDED = "LIMIT_EXCEEDED"
    RATE_LIMITED = "RATE_LIMITED"
    BAD_GATEWAY = "BAD_GATEWAY"  # an upstream service (ScaiGrid) answered badly
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"  # the database or an upstream is unreachable
    INTERNAL = "INTERNAL_SERVER_ERROR"


class DomainError(Exception):
    code: ErrorCode = ErrorCode.INTERNAL

    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extensions = extensions


class NotFound(DomainError):
    code = ErrorCode.NOT_FOUND

    @classmethod
    def resource(cls, kind: str, resource_id: str) -> NotFound:
        return cls(f"{kind} {resource_id} not found", resource_id=resource_id)


class AccessDenied(DomainError):
    code = ErrorCode.FORBIDDEN

    def __init__(self, message: str = "Access denied", **extensions: Any) -> None:
        super().__init__(message, **extensions)


class Unauthenticated(DomainError):
    code = ErrorCode.UNAUTHENTICATED

    def __init__(self, message: str = "Not authenticated", **extensions: Any) -> None:
        super().__init__(message, **extensions)


class BadInput(DomainError):
    code = ErrorCode.BAD_USER_INPUT

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}", field=field)
        self.field = field


class Conflict(DomainError):
    code = ErrorCode.CONFLICT


class PreconditionFailed(DomainError):
    code = ErrorCode.PRECONDITION_FAILED


class LimitExceeded(DomainError):
    code = ErrorCode.LIMIT_EXCEEDED

    def __init__(self, limit: str, value: int) -> None:
        super().__init__(f"Partner limit reached: {limit} is {value}", limit=limit, value=value)


class UpstreamFailed(DomainError):
    """An upstream service answered, but not with something usable (an error status, a bad
    payload)."""

    code = ErrorCode.BAD_GATEWAY


class UpstreamUnavailable(DomainError):
    """An upstream service could not be reached or did not answer in time."""

    code = ErrorCode.SERVICE_UNAVAILABLE


class DatabaseUnavailable(DomainError):
    """The database could not be reached (it restarts, refuses, or no connection came free)."""

    code = ErrorCode.SERVICE_UNAVAILABLE

    def __init__(self, message: str = "Database unavailable", **extensions: Any) -> None:
        super().__init__(message, **extensions)


HTTP_STATUS: dict[ErrorCode, int] = {
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.BAD_USER_INPUT: 422,
    ErrorCode.CONFLICT: 409,
    ErrorCode.PRECONDITION_FAILED: 412,
    ErrorCode.LIMIT_EXCEEDED: 409,
    ErrorCode.RATE_LIMITED: 429,
    ErrorCode.BAD_GATEWAY: 502,
    ErrorCode.SERVICE_UNAVAILABLE: 503,
    ErrorCode.INTERNAL: 500,
}

# Seconds a client is asked to wait (`Retry-After`) before trying again: an outage of the
# database is expected to end within seconds (a restart, a failover).
RETRY_AFTER_SECONDS: dict[str, int] = {ErrorCode.SERVICE_UNAVAILABLE: 1}


def retry_after_headers(code: str) -> dict[str, str]:
    """`Retry-After` for an answer with this code, when the code asks for a retry."""
    seconds = RETRY_AFTER_SECONDS.get(code)
    return {"Retry-After": str(seconds)} if seconds is not None else {}
