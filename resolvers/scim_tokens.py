"""SCIM tokens: created (the secret shown once), listed with their last use, and revoked.

A SCIM token is a long-lived bearer secret bound to one tenant, for a provisioning client
(Okta, Entra ID, …) that keeps one static token for months and cannot refresh a JWT. Who may
create, list or revoke a tenant's tokens is who may manage that tenant's users: the admins
who see the tenant, and platform tokens holding `admin:write` (the schema's `writes()` rule).

Only the secret's SHA-256 is stored (see `db.models.scim_tokens`). Revoking announces the
token's id in the write's transaction, so every process forgets it (`ScimTokenCache`) and
refuses it from the next request on.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import utcnow
from db.ids import IdPrefix, new_id
from db.models import ScimToken, Tenant
from resolvers import access, audit, notifications, validation
from resolvers.context import RequestContext
from resolvers.errors import NotFound
from resolvers.pagination import Slice, Window, fetch_slice
from resolvers.writes import load_for_update

KIND = "ScimToken"
SCIM_TOKENS_CHANNEL = "scaigate_scim_tokens"  # PostgreSQL NOTIFY channel; payload: token id
SECRET_PREFIX = "scim_"  # every secret starts so: a log scanner can tell what leaked
_SECRET_BYTES = 32  # 256 random bits
_HINT_LENGTH = 12  # "scim_" and the secret's first 7 characters
_TABLE = ScimToken.__table__


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(_SECRET_BYTES)


@dataclass(frozen=True, slots=True)
class CreatedScimToken:
    token: ScimToken
    secret: str  # shown in this answer only


def _visible(context: RequestContext) -> Any:
    return access.visible_tenant_ids(context.actor, _TABLE.c.tenant_id)


async def get(context: RequestContext, token_id: str) -> Any:
    async with context.read() as session:
        statement = select(_TABLE).where(_TABLE.c.id == token_id, _visible(context))
        row = (await session.execute(statement)).first()
    if row is None:
        raise NotFound.resource(KIND, token_id)
    return row


async def list_(context: RequestContext, window: Window, *, tenant_id: str | None) -> Slice:
    """The tokens of the visible tenants (or of `tenant_id`), revoked ones too, oldest first."""
    statement = select(_TABLE).where(_visible(context))
    if tenant_id is not None:
        statement = statement.where(_TABLE.c.tenant_id == tenant_id)
    return await fetch_slice(context.read, statement, _TABLE.c.id, window)


async def create(context: RequestContext, tenant_id: str, name: Any) -> CreatedScimToken:
    principal = context.actor
    name = validation.required_text("name", name, max_length=200)
    tenant_id = validation.required_text("tenant_id", tenant_id, max_length=40)
    secret = new_secret()
    token = ScimToken(
        id=new_id(IdPrefix.SCIM_TOKEN),
        name=name,
        token_hash=hash_secret(secret),
        hint=secret[:_HINT_LENGTH],
        created_by=principal.subject[:64],
        created_at=utcnow(),
    )
    async with context.transaction() as session:
        tenant = await load_for_update(
            session, Tenant, tenant_id, access.visible_tenants(principal), kind="Tenant"
        )
        token.tenant_id = tenant.id
        session.add(token)
        await audit.record_row(
            session, context, "scim_token.create", token, metadata={"name": name}
        )
    return CreatedScimToken(token, secret)


async def revoke(context: RequestContext, token_id: str) -> ScimToken:
    """Revoking a revoked token answers it unchanged (so a retry is harmless)."""
    async with context.transaction() as session:
        token = await _load_for_update(session, context, token_id)
        if token.revoked_at is None:
            token.revoked_at = utcnow()
            await notifications.announce(
                session, SCIM_TOKENS_CHANNEL, token.id, at_commit_here=True
            )
            await audit.record_row(session, context, "scim_token.revoke", token)
    return token


async def _load_for_update(
    session: AsyncSession, context: RequestContext, token_id: str
) -> ScimToken:
    statement = (
        select(ScimToken).where(ScimToken.id == token_id, _visible(context)).with_for_update()
    )
    token = (await session.execute(statement)).scalar_one_or_none()
    if token is None:
        raise NotFound.resource(KIND, token_id)
    return token
