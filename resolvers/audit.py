"""Writing audit events: in the transaction of the write they describe, or alone.

A write calls `record_row` (or `record`) inside its own `context.transaction()`, so the
event and the change commit or roll back together. Refusals and failures happen after
that transaction is gone: `record_alone` writes them in a transaction of their own.
Secrets never reach an event: metadata keys that name one are redacted, at any depth.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import utcnow
from db.ids import IdPrefix, new_id, prefix_of
from db.models import AuditEvent, Tenant
from gateway.principals import Principal, Role
from resolvers import notifications
from resolvers.context import RequestContext

AUDIT_CHANNEL = "scaigate_audit"  # PostgreSQL NOTIFY channel; the payload is the event id
REDACTED = "[redacted]"
_SECRET_WORDS = ("password", "secret", "token", "api_key", "apikey", "private_key", "credential")

RESOURCE_TYPES: dict[IdPrefix, str] = {
    IdPrefix.PARTNER: "partner",
    IdPrefix.TENANT: "tenant",
    IdPrefix.USER: "user",
    IdPrefix.GROUP: "group",
    IdPrefix.APPLICATION: "application",
    IdPrefix.IDENTITY_PROVIDER: "identity_provider",
    IdPrefix.AGENT: "agent",
    IdPrefix.SESSION: "session",
}


class ActorType(StrEnum):
    USER = "user"  # an admin user (JWT with an admin role)
    SERVICE = "service"  # a platform client_credentials token
    ANONYMOUS = "anonymous"  # no accepted token


class AuditResult(StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"
    DENIED = "denied"


class _Unset:
    pass


UNSET: Any = _Unset()


def is_secret_key(key: str) -> bool:
    lowered = key.lower()
    return any(word in lowered for word in _SECRET_WORDS)


def redact(value: Any) -> Any:
    """A JSON-ready copy of `value` with the value of every secret-named key replaced."""
    if isinstance(value, dict):
        return {
            str(key): REDACTED if is_secret_key(str(key)) and item is not None else redact(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple | set | frozenset):
        return [redact(item) for item in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return json.loads(json.dumps(value, default=str))


def actor_type_of(principal: Principal | None) -> ActorType:
    if principal is None:
        return ActorType.ANONYMOUS
    return ActorType.SERVICE if principal.role is Role.PLATFORM else ActorType.USER


async def record(
    session: AsyncSession,
    context: RequestContext,
    action: str,
    *,
    resource_type: str | None = None,
    resource_id: str | None = None,
    tenant_id: str | None = None,
    partner_id: str | None = None,
    result: AuditResult = AuditResult.SUCCESS,
    metadata: dict[str, Any] | None = None,
    actor: Principal | None = UNSET,
) -> str:
    """Adds one event to the session's transaction and returns its id.

    Without a `partner_id`, a tenant's partner is read in the same INSERT. `actor`
    defaults to the request's principal (a sign-in names the user it authenticated).
    """
    principal: Principal | None = context.principal if actor is UNSET else actor
    event_id = new_id(IdPrefix.AUDIT)
    partner: Any = partner_id
    if partner is None and tenant_id is not None:
        partner = select(Tenant.partner_id).where(Tenant.id == tenant_id).scalar_subquery()
    await session.execute(
        insert(AuditEvent).values(
            id=event_id,
            created_at=utcnow(),
            actor_id=principal.subject if principal else None,
            actor_type=actor_type_of(principal).value,
            actor_role=principal.role.value if principal else None,
            partner_id=partner,
            tenant_id=tenant_id,
            action=action,
            resource_type=resource_type,
            resource_id=resource_id,
            result=result.value,
            event_metadata=redact(metadata or {}),
            ip=context.meta.ip,
            user_agent=(context.meta.user_agent or None) and context.meta.user_agent[:500],
            request_id=context.meta.request_id or None,
        )
    )
    await _announce(session, event_id)
    return event_id


async def record_row(
    session: AsyncSession,
    context: RequestContext,
    action: str,
    row: Any,
    *,
    metadata: dict[str, Any] | None = None,
) -> str:
    """An event about `row`, typed by its id prefix and scoped by its own tenant/partner."""
    resource_id: str = row.id
    prefix = prefix_of(resource_id)
    resource_type = RESOURCE_TYPES.get(prefix) if prefix else None
    tenant_id = getattr(row, "tenant_id", None)
    partner_id = getattr(row, "partner_id", None)
    if prefix is IdPrefix.TENANT:
        tenant_id = resource_id
    elif prefix is IdPrefix.PARTNER:
        partner_id = resource_id
    return await record(
        session,
        context,
        action,
        resource_type=resource_type or type(row).__name__.lower(),
        resource_id=resource_id,
        tenant_id=tenant_id,
        partner_id=partner_id,
        metadata=metadata,
    )


async def record_alone(context: RequestContext, action: str, **fields: Any) -> str:
    """An event in a transaction of its own: refusals, failures, authentication events."""
    async with context.transaction() as session:
        return await record(session, context, action, **fields)


async def _announce(session: AsyncSession, event_id: str) -> None:
    """Tells live subscribers on every process once (and only if) the transaction commits."""
    await notifications.announce(session, AUDIT_CHANNEL, event_id)
