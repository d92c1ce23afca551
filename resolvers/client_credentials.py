"""The OAuth 2.0 client credentials grant (RFC 6749 §4.4) for platform applications.

Only an enabled, live `GLOBAL` `SERVICE` application authenticates here, with its client
id and secret (checked against the Argon2 hash). The token's scopes are the application's
`allowed_scopes`, or the part of them the request names: a request can narrow them, never
widen them. Its lifetime is the application's `token_lifetime`, at most the longest lifetime
the gateway accepts (`SCAIGATE_JWT_MAX_LIFETIME_SECONDS`).

Errors carry RFC 6749 §5.2 codes. A client that cannot be authenticated (unknown, wrong
secret, disabled, deleted, no secret) is `invalid_client`, all alike; a client that has
authenticated but is not a GLOBAL SERVICE application is `unauthorized_client`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from sqlalchemy import select

from core.principals import Principal, Role
from db.enums import ApplicationLevel, ApplicationType
from db.models import Application
from resolvers import audit, passwords
from resolvers.audit import AuditResult
from resolvers.context import RequestContext

ACTION = "auth.token_issued"


class OAuthError(Exception):
    """An RFC 6749 §5.2 error: `error` code, HTTP status, and the reason for the audit."""

    def __init__(self, error: str, description: str, *, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


def invalid_client() -> OAuthError:
    return OAuthError("invalid_client", "Client authentication failed", status=401)


@dataclass(frozen=True, slots=True)
class Grant:
    principal: Principal  # the platform principal the token carries
    scopes: list[str]
    lifetime: int


_DUMMY_HASH: str | None = None


async def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = await passwords.hash_password("no client has this secret")
    return _DUMMY_HASH


def _requested(scope: str | None) -> list[str] | None:
    """The scopes a request names, in order and without repeats; None when it names none."""
    if scope is None or not scope.strip():
        return None
    return list(dict.fromkeys(scope.split()))


async def record_refusal(
    context: RequestContext,
    error: OAuthError,
    reason: str,
    *,
    client_id: str | None,
    app_id: str | None = None,
) -> OAuthError:
    """The failure event of a token request (`reason` in one word); returns `error`."""
    await audit.record_alone(
        context,
        ACTION,
        resource_type="application" if app_id else None,
        resource_id=app_id,
        result=AuditResult.FAILURE,
        metadata={"reason": reason, "client_id": client_id, "error": error.error},
        actor=None,
    )
    return error


async def grant(
    context: RequestContext, *, client_id: str, client_secret: str, scope: str | None
) -> Grant:
    statement = select(Application).where(
        Application.client_id == client_id, Application.deleted_at.is_(None)
    )
    async with context.read() as session:
        application = (await session.execute(statement)).scalar_one_or_none()
    stored = application.client_secret_hash if application is not None else None
    matches = await asyncio.to_thread(
        passwords.verify_password, stored or await _dummy_hash(), client_secret
    )
    app_id = application.id if application is not None else None
    reason = None
    if application is None:
        reason = "unknown_client"
    elif stored is None or not matches:
        reason = "wrong_secret"
    elif not application.enabled:
        reason = "disabled"
    if reason is not None:
        raise await record_refusal(
            context, invalid_client(), reason, client_id=client_id, app_id=app_id
        )
    assert application is not None
    if (application.level, application.app_type) != (
        ApplicationLevel.GLOBAL.value,
        ApplicationType.SERVICE.value,
    ):
        error = OAuthError(
            "unauthorized_client",
            "Only GLOBAL SERVICE applications may use the client_credentials grant",
        )
        raise await record_refusal(
            context, error, "not_global_service", client_id=client_id, app_id=app_id
        )

    allowed = list(application.allowed_scopes)
    requested = _requested(scope)
    if requested is not None:
        beyond = [s for s in requested if s not in allowed]
        if beyond:
            error = OAuthError(
                "invalid_scope", f"Scope not allowed for this client: {' '.join(beyond)}"
            )
            raise await record_refusal(
                context, error, "invalid_scope", client_id=client_id, app_id=app_id
            )
    scopes = requested if requested is not None else allowed
    lifetime = min(application.token_lifetime, context.config.max_token_lifetime_seconds)
    principal = Principal(role=Role.PLATFORM, subject=application.id, scopes=frozenset(scopes))
    async with context.transaction() as session:
        await audit.record(
            session,
            context,
            ACTION,
            resource_type="application",
            resource_id=application.id,
            metadata={
                "client_id": client_id,
                "scope": " ".join(scopes),
                "expires_in": lifetime,
            },
            actor=principal,
        )
    return Grant(principal=principal, scopes=scopes, lifetime=lifetime)
