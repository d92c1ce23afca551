"""From an HTTP request to a RequestContext: bearer token, principal, request metadata."""

from __future__ import annotations

import uuid

from fastapi import Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.graphql_http import JSON, content_type, negotiate
from gateway.principals import Principal
from gateway.settings import Settings
from gateway.tokens import InvalidToken, verify_token
from resolvers.context import RequestContext, RequestMeta
from resolvers.errors import ErrorCode


def principal_from_header(settings: Settings, authorization: str | None) -> Principal | None:
    """None without a token; 401 for any token that cannot be accepted."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("Authorization header must be 'Bearer <token>'")
    try:
        return verify_token(settings, token.strip())
    except InvalidToken as exc:
        raise _unauthorized(str(exc)) from exc


class AuthenticationFailed(Exception):
    """A bearer token was sent and cannot be accepted: 401 on every surface."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _unauthorized(message: str) -> AuthenticationFailed:
    return AuthenticationFailed(message)


def authentication_failed_response(request: Request, exc: Exception) -> JSONResponse:
    """GraphQL clients get a GraphQL error document, REST clients `{"detail", "code"}`."""
    message = exc.message if isinstance(exc, AuthenticationFailed) else "Not authenticated"
    code = ErrorCode.UNAUTHENTICATED.value
    body: dict[str, object]
    media_type = JSON
    if request.url.path.startswith("/graphql"):
        body = {"errors": [{"message": message, "extensions": {"code": code}}]}
        media_type = negotiate(request.headers.get("accept")) or JSON
    else:
        body = {"detail": message, "code": code}
    return JSONResponse(
        body,
        status_code=401,
        headers={"WWW-Authenticate": "Bearer"},
        media_type=content_type(media_type),
    )


def request_id_of(request: Request) -> str:
    return str(getattr(request.state, "request_id", "") or uuid.uuid4().hex)


def build_request_context(request: Request) -> RequestContext:
    settings: Settings = request.app.state.settings
    sessions: async_sessionmaker[AsyncSession] = request.app.state.sessions
    write_sessions: async_sessionmaker[AsyncSession] = request.app.state.write_sessions
    principal = principal_from_header(settings, request.headers.get("authorization"))
    return RequestContext(
        principal=principal,
        sessions=sessions,
        write_sessions=write_sessions,
        production=settings.env == "production",
        operation_limits=settings.operation_limits,
        meta=RequestMeta(
            request_id=request_id_of(request),
            ip=request.client.host if request.client else None,
            user_agent=request.headers.get("user-agent"),
        ),
    )
