"""Issuing and verifying the gateway's bearer JWTs.

A token whose lifetime (`exp` - `iat`) exceeds `Settings.max_token_lifetime_seconds` is
refused, however well signed: a leaked key must not mint tokens that outlive its rotation.
A client credentials token from `/oauth/token` names its application in a `client_id`
claim (RFC 9068), by which each request checks that application is still live
(`resolvers.platform_clients`); platform tokens minted by `scaigate token` carry none.

A verified token is kept in a small per-process cache (keyed by the token and the settings
that verify it) until its `exp`: a client sends the same token with every request, and
checking its signature and claims again each time cost more than a small query. What must
be decided per request (a session that may have been revoked, an application that may have
been disabled) is checked by `gateway.auth` after this, on every request.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

import jwt

from core.principals import Principal, Role
from core.settings import Settings


class InvalidToken(Exception):
    """The bearer token cannot be accepted; the message says why, `reason` in one word."""

    def __init__(self, message: str, reason: str = "malformed") -> None:
        super().__init__(message)
        self.reason = reason


def issue_token(
    settings: Settings,
    *,
    role: Role,
    subject: str,
    partner_id: str | None = None,
    tenant_id: str | None = None,
    scopes: list[str] | None = None,
    ttl_seconds: int | None = None,
    session_id: str | None = None,
    client_id: str | None = None,
) -> str:
    """A signed JWT; `session_id` binds a user token to its SSO session (`sid` claim),
    `client_id` a platform token to the application it was issued to."""
    if role is Role.PARTNER_ADMIN and not partner_id:
        raise ValueError("a partner_admin token needs a partner id")
    if role is Role.TENANT_ADMIN and not tenant_id:
        raise ValueError("a tenant_admin token needs a tenant id")
    now = datetime.now(UTC)
    claims: dict[str, Any] = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": subject,
        "iat": now,
        "nbf": now,
        "exp": now + timedelta(seconds=ttl_seconds or settings.token_ttl_seconds),
        "jti": uuid.uuid4().hex,
    }
    if role is Role.PLATFORM:
        claims["grant_type"] = "client_credentials"
        claims["scope"] = " ".join(scopes or [])
        if client_id:
            claims["client_id"] = client_id
    else:
        claims["role"] = role.value
        if partner_id:
            claims["partner_id"] = partner_id
        if tenant_id:
            claims["tenant_id"] = tenant_id
        if session_id:
            claims["sid"] = session_id
    return jwt.encode(claims, settings.jwt_signing_key, algorithm=settings.jwt_algorithm)


VERIFIED_TOKENS_CACHED = 1024


def verify_token(settings: Settings, token: str) -> Principal:
    """The token's principal; `InvalidToken` saying why it cannot be accepted."""
    principal, expires_at = _verified(
        token,
        settings.jwt_signing_key,
        settings.jwt_algorithm,
        settings.jwt_audience,
        settings.jwt_issuer,
        settings.max_token_lifetime_seconds,
    )
    # A token accepted before can since have expired, and nothing else: its signature and
    # claims have not changed, nor have the settings (they are part of the cache key).
    if time.time() >= expires_at:
        raise InvalidToken("Token has expired", "expired")
    return principal


@lru_cache(maxsize=VERIFIED_TOKENS_CACHED)
def _verified(
    token: str, key: str, algorithm: str, audience: str, issuer: str, max_lifetime: int
) -> tuple[Principal, float]:
    """The principal of a token that verifies, and when it expires (refusals raise, so they
    are never cached)."""
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[algorithm],
            audience=audience,
            issuer=issuer,
            options={"require": ["exp", "iat", "sub", "aud", "iss"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise InvalidToken("Token has expired", "expired") from exc
    except jwt.InvalidAudienceError as exc:
        raise InvalidToken("Token audience is not accepted", "wrong_audience") from exc
    except jwt.InvalidSignatureError as exc:
        raise InvalidToken("Token signature is invalid", "bad_signature") from exc
    except jwt.PyJWTError as exc:
        raise InvalidToken(f"Token is malformed: {exc}") from exc
    if claims["exp"] - claims["iat"] > max_lifetime:
        raise InvalidToken(
            f"Token lifetime exceeds the {max_lifetime} seconds this gateway accepts",
            "lifetime_too_long",
        )
    # As PyJWT reads it: expired once the whole seconds of `exp` are reached.
    return _principal_from_claims(claims), float(int(claims["exp"]))


def _principal_from_claims(claims: dict[str, Any]) -> Principal:
    subject = str(claims["sub"])
    token_id = claims.get("jti")
    if claims.get("grant_type") == "client_credentials":
        scope = claims.get("scope", "")
        if not isinstance(scope, str):
            raise InvalidToken("Token is malformed: scope must be a string")
        client_id = claims.get("client_id")
        if client_id is not None and not isinstance(client_id, str):
            raise InvalidToken("Token is malformed: client_id must be a string")
        return Principal(
            role=Role.PLATFORM,
            subject=subject,
            scopes=frozenset(scope.split()),
            token_id=token_id,
            client_id=client_id,
        )
    try:
        role = Role(str(claims.get("role")))
    except ValueError as exc:
        raise InvalidToken("Token carries no admin role", "no_admin_role") from exc
    partner_id = claims.get("partner_id")
    tenant_id = claims.get("tenant_id")
    if role is Role.PARTNER_ADMIN and not isinstance(partner_id, str):
        raise InvalidToken("Token is malformed: partner_admin without partner_id")
    if role is Role.TENANT_ADMIN and not isinstance(tenant_id, str):
        raise InvalidToken("Token is malformed: tenant_admin without tenant_id")
    if role is Role.PLATFORM:
        raise InvalidToken("Token is malformed: platform role without client_credentials grant")
    session_id = claims.get("sid")
    if session_id is not None and not isinstance(session_id, str):
        raise InvalidToken("Token is malformed: sid must be a string")
    return Principal(
        role=role,
        subject=subject,
        partner_id=partner_id if role is Role.PARTNER_ADMIN else None,
        tenant_id=tenant_id if role is Role.TENANT_ADMIN else None,
        token_id=token_id,
        session_id=session_id,
    )
