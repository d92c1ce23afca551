"""SCIM answers: `application/scim+json` documents, and errors in the SCIM error schema.

Every domain error of the resolvers has one SCIM rendering (`DomainError` → status and
`scimType`), so a SCIM client sees the same refusal as GraphQL and REST, in its own shape.
"""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse
from scim2_models import Error, SCIMException

from resolvers.errors import Conflict, DomainError, ErrorCode, retry_after_headers

SCIM_JSON = "application/scim+json"


class ScimError(Exception):
    """A refusal in SCIM's terms: an HTTP status, a detail and maybe a `scimType`."""

    def __init__(self, status: int, detail: str, scim_type: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.scim_type = scim_type


def document(body: dict[str, Any], status: int = 200, **headers: str) -> JSONResponse:
    return JSONResponse(body, status_code=status, media_type=SCIM_JSON, headers=headers or None)


def error_response(status: int, detail: str, scim_type: str | None = None) -> JSONResponse:
    error = Error(status=status, detail=detail, scim_type=scim_type)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
    return document(error.model_dump(), status, **headers)


_DOMAIN: dict[ErrorCode, tuple[int, str | None]] = {
    ErrorCode.NOT_FOUND: (404, None),
    ErrorCode.FORBIDDEN: (403, None),
    ErrorCode.UNAUTHENTICATED: (401, None),
    ErrorCode.BAD_USER_INPUT: (400, "invalidValue"),
    ErrorCode.CONFLICT: (409, "uniqueness"),
    ErrorCode.PRECONDITION_FAILED: (412, None),
    ErrorCode.LIMIT_EXCEEDED: (409, None),  # the partner's limit of users per tenant
    ErrorCode.RATE_LIMITED: (429, None),
    ErrorCode.SERVICE_UNAVAILABLE: (503, None),
}


def response_for(exc: Exception) -> JSONResponse:
    """The SCIM error for anything a SCIM handler raised on purpose."""
    if isinstance(exc, ScimError):
        return error_response(exc.status, exc.detail, exc.scim_type)
    if isinstance(exc, SCIMException):
        return error_response(exc.status, exc.detail, exc.scim_type or None)
    assert isinstance(exc, DomainError)
    status, scim_type = _DOMAIN.get(exc.code, (500, None))
    if isinstance(exc, Conflict) and exc.extensions.get("field") is None:
        scim_type = None  # a conflict with the data's state, not a duplicate value
    response = error_response(status, exc.message, scim_type)
    response.headers.update(retry_after_headers(exc.code))
    return response
