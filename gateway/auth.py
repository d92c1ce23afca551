"""From an HTTP request to a RequestContext: bearer token, principal, request metadata.

A token bound to an SSO session (`sid`, from a sign-in) is accepted only while the session
is live: one primary-key read per request, so a revocation holds on every gateway process
from the next request on. Tokens without `sid` (CLI-minted, client credentials) skip it.
A client credentials token is accepted only while its application is live, enabled and
allows the token's scopes, checked against the process's cache of applications
(`resolvers.platform_clients`), which every write of an application invalidates.
A presented token that is refused leaves one `auth.token_rejected` audit event.
"""

from __future__ import annotations

import uuid

import structlog
from fastapi import Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.datastructures import State
from starlette.types import Scope

from core.errors import AuthenticationFailed
from core.observation import request_id_of
from core.principals import Principal
from core.settings import Settings
from gateway.graphql_http import JSON, content_type, negotiate
from gateway.tokens import InvalidToken, verify_token
from resolvers import audit, sessions
from resolvers.audit import AuditResult
from resolvers.context import RequestContext, RequestMeta
from resolvers.errors import ErrorCode
from resolvers.platform_clients import PlatformClients

logger = structlog.stdlib.get_logger("scaigate.auth")

TOKEN_REJECTED = "auth.token_rejected"
# `request.state` attribute holding the request's context once it has been built.
STATE_CONTEXT = "request_context"


def principal_from_header(settings: Settings, authorization: str | None) -> Principal | None:
    """None without a token; 401 for any token that cannot be accepted."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("Authorization header must be 'Bearer <token>'", "bad_scheme")
    try:
        return verify_token(settings, token.strip())
    except InvalidToken as exc:
        raise _unauthorized(str(exc), exc.reason) from exc


def _unauthorized(message: str, reason: str) -> AuthenticationFailed:
    return AuthenticationFailed(message, reason)


async def authenticate(
    context: RequestContext, settings: Settings, authorization: str | None
) -> Principal | None:
    """The caller's principal: its token verified and, when bound to a session, that live."""
    try:
        principal = principal_from_header(settings, authorization)
        if principal is not None and principal.session_id is not None:
            refused = await sessions.refusal(context.sessions, principal.session_id)
            if refused is not None:
                raise AuthenticationFailed(
                    refused.message,
                    refused.reason,
                    session_id=principal.session_id,
                    tenant_id=refused.tenant_id,
                )
        if principal is not None and principal.client_id is not None:
            await _ensure_client_live(context, principal)
    except AuthenticationFailed as exc:
        await _record_rejection(context, exc)
        raise
    return principal


async def _ensure_client_live(context: RequestContext, principal: Principal) -> None:
    clients = context.platform_clients
    if clients is None:  # a context outside a served app: read the application itself
        clients = PlatformClients(context.sessions, ttl_seconds=0)
    refused = await clients.refusal(principal)
    if refused is not None:
        raise AuthenticationFailed(
            refused.message, refused.reason, application_id=refused.application_id
        )


async def _record_rejection(context: RequestContext, exc: AuthenticationFailed) -> None:
    """The refused token's event; failing to write it must not turn the 401 into a 500."""
    resource_type = "session" if exc.session_id else None
    if exc.application_id:
        resource_type = "application"
    try:
        await audit.record_alone(
            context,
            TOKEN_REJECTED,
            resource_type=resource_type,
            resource_id=exc.session_id or exc.application_id,
            tenant_id=exc.tenant_id,
            result=AuditResult.FAILURE,
            metadata={"reason": exc.reason, "message": exc.message},
            actor=None,
        )
    except Exception:
        logger.exception("audit_write_failed", action=TOKEN_REJECTED)


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


async def build_request_context(request: Request) -> RequestContext:
    """The request's context; 401 (`AuthenticationFailed`) for a token that is refused."""
    context = anonymous_context(request)
    context.principal = await authenticate(
        context, request.app.state.settings, request.headers.get("authorization")
    )
    return context


async def context_of_scope(scope: Scope) -> RequestContext:
    """`build_request_context` from the ASGI scope alone, for the lean paths (no Request)."""
    headers = first_headers(scope, (b"authorization", b"user-agent"))
    client = scope.get("client")
    state = scope.get("state") or {}
    app_state = scope["app"].state
    context = _context(
        app_state,
        RequestMeta(
            request_id=str(state.get("request_id", "") or uuid.uuid4().hex),
            ip=client[0] if client else None,
            user_agent=headers.get(b"user-agent"),
        ),
    )
    settings: Settings = app_state.settings
    context.principal = await authenticate(context, settings, headers.get(b"authorization"))
    return context


def first_headers(scope: Scope, names: tuple[bytes, ...]) -> dict[bytes, str]:
    """The first value of each of these (lower-case) headers the request carries, as
    Starlette's `Headers.get` reads it."""
    found: dict[bytes, str] = {}
    for key, value in scope["headers"]:
        if key in names and key not in found:
            found[key] = value.decode("latin-1")
    return found


async def request_context_of(request: Request) -> RequestContext:
    """The request's context, built (and its token verified) once per request: a request the
    lean GraphQL path authenticated and then passed on is not authenticated twice."""
    context = getattr(request.state, STATE_CONTEXT, None)
    if not isinstance(context, RequestContext):
        context = await build_request_context(request)
        setattr(request.state, STATE_CONTEXT, context)
    return context


def anonymous_context(request: Request) -> RequestContext:
    """A context without a principal: the endpoints that authenticate a caller themselves."""
    return _context(
        request.app.state,
        RequestMeta(
            request_id=request_id_of(request),
            ip=request.client.host if request.client else None,
            user_agent=request.headers.get("user-agent"),
        ),
    )


def _context(app_state: State, meta: RequestMeta) -> RequestContext:
    settings: Settings = app_state.settings
    read_sessions: async_sessionmaker[AsyncSession] = app_state.sessions
    write_sessions: async_sessionmaker[AsyncSession] = app_state.write_sessions
    return RequestContext(
        principal=None,
        sessions=read_sessions,
        write_sessions=write_sessions,
        production=settings.env == "production",
        operation_limits=settings.operation_limits,
        settings=settings,
        platform_clients=getattr(app_state, "platform_clients", None),
        audit_spool=getattr(app_state, "audit_spool", None),
        meta=meta,
    )
