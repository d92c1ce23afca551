"""`POST /auth/sign-in` and `POST /auth/sign-out`: an admin user's token over HTTP.

Sign-in takes `{"email", "password", "tenant"?}` (tenant: id or slug, needed only when the
address is used in several tenants) and answers `{"access_token", "token_type": "Bearer",
"expires_in", "session_id"}`: a user JWT bound to a new SSO session (`sid`). The logic is
`resolvers.sign_in`; this module reads the body and shapes the answer. Sign-in is REST only:
a GraphQL mutation would need an unauthenticated entry into the graph for one operation.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from core.observation import request_id_of
from core.settings import Settings
from gateway.auth import anonymous_context, build_request_context
from gateway.outages import unavailable_response
from gateway.tokens import issue_token
from resolvers import sessions
from resolvers.control_characters import check as check_text
from resolvers.errors import HTTP_STATUS, BadInput, DomainError, ErrorCode, Unauthenticated
from resolvers.sign_in import Credentials, TooManyAttempts, sign_in
from resolvers.throttle import SignInThrottle, ThrottleLimits
from rest_compat.media_type import json_body_refusal
from schema.errors import database_outage, log_unexpected, masked_message

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
_FIELDS = {"email": True, "password": True, "tenant": False}  # name → required

SIGN_IN_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {
                    "email": {"type": "string", "format": "email"},
                    "password": {"type": "string", "format": "password"},
                    "tenant": {
                        "type": "string",
                        "description": "Tenant id or slug; needed only when the address is "
                        "used in several tenants.",
                    },
                },
                "required": ["email", "password"],
                "additionalProperties": False,
            }
        }
    },
}


class UnknownField(DomainError):
    """Worded as the REST paths word it (`Unknown field 'x'`)."""

    code = ErrorCode.BAD_USER_INPUT

    def __init__(self, name: str) -> None:
        super().__init__(f"Unknown field '{name}'", field=name)


def _error(exc: DomainError) -> JSONResponse:
    headers = dict(NO_STORE)
    if isinstance(exc, Unauthenticated):
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(exc, TooManyAttempts):
        headers["Retry-After"] = str(exc.retry_after)
    return JSONResponse(
        {"detail": exc.message, "code": exc.code.value},
        status_code=HTTP_STATUS[exc.code],
        headers=headers,
    )


def unexpected_error_response(request: Request, exc: Exception) -> JSONResponse:
    """500 with the id of the error's log line; 503 when the database is unavailable."""
    outage = database_outage(exc, route=request.url.path)
    if outage is not None:
        return unavailable_response(request, outage)
    error_id = log_unexpected(exc, request_id=request_id_of(request), route=request.url.path)
    code = ErrorCode.INTERNAL.value
    return JSONResponse(
        {"detail": masked_message(error_id), "code": code, "error_id": error_id},
        status_code=500,
    )


class UnsupportedMediaType(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


async def _credentials(request: Request) -> Credentials:
    refused_media_type = json_body_refusal(request.headers.get("content-type"))
    if refused_media_type is not None and (await request.body()).strip():
        raise UnsupportedMediaType(refused_media_type)
    try:
        body = await request.json()
    except ValueError as exc:
        raise BadInput("body", "is not valid JSON") from exc
    except RecursionError as exc:
        raise BadInput("body", "is nested too deeply") from exc
    if not isinstance(body, dict):
        raise BadInput("body", "must be a JSON object")
    for key in body:
        if key not in _FIELDS:
            raise UnknownField(key)
    for name, required in _FIELDS.items():
        value = body.get(name)
        if value is None and required:
            raise BadInput(name, "is required")
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise BadInput(name, "must be a non-empty string")
        check_text(name, value)
    return Credentials(email=body["email"], password=body["password"], tenant=body.get("tenant"))


def sign_in_throttle(settings: Settings) -> SignInThrottle:
    """The failed-sign-in counters the settings describe (`SCAIGATE_RATE_LIMIT_STORAGE`)."""
    return SignInThrottle(
        settings.rate_limit_storage,
        ThrottleLimits(
            failures_per_account=settings.sign_in_max_failures_per_account,
            failures_per_address=settings.sign_in_max_failures_per_address,
            window_seconds=settings.sign_in_failure_window_seconds,
        ),
        key_prefix=settings.rate_limit_key_prefix,
    )


def sign_in_router() -> APIRouter:
    router = APIRouter(prefix="/auth", tags=["Authentication"])

    @router.post(
        "/sign-in",
        summary="Sign in an admin user: a bearer token bound to a new SSO session",
        openapi_extra={"requestBody": SIGN_IN_BODY},
    )
    async def sign_in_endpoint(request: Request) -> Response:
        settings: Settings = request.app.state.settings
        throttle: SignInThrottle = request.app.state.sign_in_throttle
        try:
            credentials = await _credentials(request)
            signed_in = await sign_in(
                anonymous_context(request),
                throttle,
                credentials,
                ttl_seconds=settings.token_ttl_seconds,
            )
        except DomainError as exc:
            return _error(exc)
        except UnsupportedMediaType as exc:
            return JSONResponse(
                {"detail": exc.detail, "code": "UNSUPPORTED_MEDIA_TYPE"},
                status_code=415,
                headers=NO_STORE,
            )
        except Exception as exc:
            return unexpected_error_response(request, exc)
        principal = signed_in.principal
        token = issue_token(
            settings,
            role=principal.role,
            subject=principal.subject,
            partner_id=principal.partner_id,
            tenant_id=principal.tenant_id,
            session_id=principal.session_id,
            ttl_seconds=settings.token_ttl_seconds,
        )
        body = {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": settings.token_ttl_seconds,
            "session_id": signed_in.session.id,
        }
        return JSONResponse(body, headers=NO_STORE)

    @router.post(
        "/sign-out",
        status_code=204,
        summary="End the caller's own SSO session (the one its bearer token is bound to)",
    )
    async def sign_out_endpoint(request: Request) -> Response:
        context = await build_request_context(request)  # 401 for a refused token
        try:
            await sessions.sign_out(context)
        except DomainError as exc:
            return _error(exc)
        except Exception as exc:
            return unexpected_error_response(request, exc)
        return Response(status_code=204)

    return router
