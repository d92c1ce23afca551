"""503 answers for requests that find the database unavailable, wherever it is found.

The GraphQL error mapping (`schema.errors`) and the REST runner map an outage met while an
operation runs. This module answers the rest: an outage met before any operation (reading
the caller's SSO session, a persisted query, the sign-in and token endpoints) is 503
`SERVICE_UNAVAILABLE` with `Retry-After`, in the shape of the surface that was called, instead
of an unexpected error.
"""

from __future__ import annotations

import asyncpg
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import HTTPConnection
from starlette.responses import Response

from gateway.graphql_http import JSON, content_type, error_document, negotiate
from resolvers.errors import HTTP_STATUS, DatabaseUnavailable, retry_after_headers
from schema.errors import database_outage

# What the database driver, the pool and the sockets under them raise; `outage_cause`
# decides which of these mean an outage.
DRIVER_ERRORS: tuple[type[Exception], ...] = (
    SQLAlchemyError,
    OSError,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
)


def unavailable_response(request: Request, error: DatabaseUnavailable) -> JSONResponse:
    """GraphQL clients get a GraphQL error document, REST clients `{"detail", "code"}`."""
    code = error.code.value
    media_type = JSON
    body: dict[str, object]
    if request.url.path.startswith("/graphql"):
        body = error_document(error.message, code)
        media_type = negotiate(request.headers.get("accept")) or JSON
    else:
        body = {"detail": error.message, "code": code}
    return JSONResponse(
        body,
        status_code=HTTP_STATUS[error.code],
        headers=retry_after_headers(code),
        media_type=content_type(media_type),
    )


async def _driver_error(request: HTTPConnection, exc: Exception) -> Response:
    if not isinstance(request, Request):
        raise exc  # a WebSocket ends by its own protocol (`gateway.graphql_ws`)
    outage = database_outage(exc, route=request.url.path)
    if outage is None:
        raise exc  # an unexpected error: the server error handler logs and masks it
    return unavailable_response(request, outage)


def answer_outages(app: FastAPI) -> None:
    for error_class in DRIVER_ERRORS:
        app.add_exception_handler(error_class, _driver_error)
