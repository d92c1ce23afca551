"""`POST /oauth/token`: the OAuth 2.0 token endpoint (RFC 6749), client credentials grant.

The request is form-encoded (`grant_type=client_credentials`, optional `scope`); the client
authenticates with HTTP Basic (`client_id:client_secret`, each form-encoded, RFC 6749
§2.3.1) or with `client_id` and `client_secret` in the body, never both. The answer is
`{"access_token", "token_type": "Bearer", "expires_in", "scope"}`; errors are RFC 6749 §5.2
documents (`{"error", "error_description"}`). Who may have a token, and with which scopes,
is `resolvers.client_credentials`; this module parses and shapes.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote_plus

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from core.settings import Settings
from gateway.auth import anonymous_context
from gateway.sign_in import unexpected_error_response
from gateway.tokens import issue_token
from resolvers.client_credentials import OAuthError, grant, invalid_client, record_refusal
from resolvers.context import RequestContext
from resolvers.control_characters import refusal

FORM = "application/x-www-form-urlencoded"
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
GRANT_TYPE = "client_credentials"

TOKEN_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        FORM: {
            "schema": {
                "type": "object",
                "properties": {
                    "grant_type": {"type": "string", "enum": [GRANT_TYPE]},
                    "scope": {
                        "type": "string",
                        "description": "Space-separated; at most the application's "
                        "allowed_scopes (default: all of them).",
                    },
                    "client_id": {"type": "string"},
                    "client_secret": {"type": "string", "format": "password"},
                },
                "required": ["grant_type"],
            }
        }
    },
}


@dataclass(frozen=True, slots=True)
class TokenRequest:
    client_id: str
    client_secret: str
    scope: str | None
    basic: bool  # the client authenticated with HTTP Basic


class _Refused(Exception):
    def __init__(self, error: OAuthError, reason: str, *, basic: bool = False) -> None:
        super().__init__(error.description)
        self.error = error
        self.reason = reason
        self.basic = basic


def _invalid_request(description: str, reason: str) -> _Refused:
    return _Refused(OAuthError("invalid_request", description), reason)


def _basic_credentials(header: str | None) -> tuple[str, str] | None:
    """`Authorization: Basic …` → (client_id, client_secret); None for no Basic header."""
    if not header:
        return None
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise _Refused(invalid_client(), "malformed_basic", basic=True) from exc
    client_id, colon, client_secret = decoded.partition(":")
    if not colon:
        raise _Refused(invalid_client(), "malformed_basic", basic=True)
    credentials = unquote_plus(client_id), unquote_plus(client_secret)
    _check_text(zip(("client_id", "client_secret"), credentials, strict=True))
    return credentials


def _check_text(params: Iterable[tuple[str, str | None]]) -> None:
    """The control-character rule (`resolvers.control_characters`) on the parameters read."""
    for name, value in params:
        reason = refusal(value) if value is not None else None
        if reason is not None:
            raise _invalid_request(f"{name}: {reason}", "control_character")


async def _parse(request: Request) -> TokenRequest:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != FORM:
        raise _invalid_request(f"The request body must be {FORM}", "not_form_encoded")
    try:
        pairs = parse_qsl((await request.body()).decode("utf-8"), keep_blank_values=True)
    except (UnicodeDecodeError, ValueError) as exc:
        raise _invalid_request("The request body is not valid form data", "malformed") from exc
    params: dict[str, str] = {}
    for name, value in pairs:
        if name in params:
            raise _invalid_request(f"Parameter '{name}' is repeated", "repeated_parameter")
        params[name] = value
    _check_text((name, params.get(name)) for name in ("client_id", "client_secret", "scope"))
    grant_type = params.get("grant_type")
    if not grant_type:
        raise _invalid_request("Missing grant_type", "missing_grant_type")
    if grant_type != GRANT_TYPE:
        error = OAuthError("unsupported_grant_type", f"Only {GRANT_TYPE} is supported here")
        raise _Refused(error, "unsupported_grant_type")
    basic = _basic_credentials(request.headers.get("authorization"))
    if basic is not None:
        if "client_secret" in params or params.get("client_id", basic[0]) != basic[0]:
            raise _invalid_request(
                "Authenticate the client once: HTTP Basic or the body, not both",
                "two_client_authentications",
            )
        return TokenRequest(basic[0], basic[1], params.get("scope"), basic=True)
    client_id, client_secret = params.get("client_id"), params.get("client_secret")
    if not client_id or not client_secret:
        raise _Refused(invalid_client(), "no_client_authentication", basic=True)
    return TokenRequest(client_id, client_secret, params.get("scope"), basic=False)


def _error_response(error: OAuthError, *, basic: bool) -> JSONResponse:
    headers = dict(NO_STORE)
    if error.status == 401 and basic:
        headers["WWW-Authenticate"] = 'Basic realm="scaigate", charset="UTF-8"'
    return JSONResponse(
        {"error": error.error, "error_description": error.description},
        status_code=error.status,
        headers=headers,
    )


async def _token(request: Request, context: RequestContext) -> Response:
    settings: Settings = request.app.state.settings
    try:
        token_request = await _parse(request)
    except _Refused as refused:
        await record_refusal(context, refused.error, refused.reason, client_id=None)
        return _error_response(refused.error, basic=refused.basic)
    try:
        granted = await grant(
            context,
            client_id=token_request.client_id,
            client_secret=token_request.client_secret,
            scope=token_request.scope,
        )
    except OAuthError as error:
        return _error_response(error, basic=token_request.basic)
    token = issue_token(
        settings,
        role=granted.principal.role,
        subject=granted.principal.subject,
        scopes=granted.scopes,
        ttl_seconds=granted.lifetime,
        client_id=token_request.client_id,
    )
    body = {
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": granted.lifetime,
        "scope": " ".join(granted.scopes),
    }
    return JSONResponse(body, headers=NO_STORE)


def oauth_router() -> APIRouter:
    router = APIRouter(prefix="/oauth", tags=["Authentication"])

    @router.post(
        "/token",
        summary="OAuth 2.0 token endpoint: client_credentials for GLOBAL SERVICE applications",
        openapi_extra={"requestBody": TOKEN_BODY},
    )
    async def token_endpoint(request: Request) -> Response:
        try:
            return await _token(request, anonymous_context(request))
        except Exception as exc:
            return unexpected_error_response(request, exc)

    return router
