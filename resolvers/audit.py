"""Writing audit events: in the transaction of the write they describe, or alone.

A write calls `record_row` (or `record`) inside its own `context.transaction()`, so the
event and the change commit or roll back together. Refusals and failures happen after
that transaction is gone: `record_alone` writes them in a transaction of their own.
Secrets never reach an event: metadata keys that name one are redacted, at any depth.
"""

from __future__ import annotations

import json
from typing import Any, TypedDict, Unpack, cast

import structlog
from sqlalchemy import Column, Table, insert, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.principals import Principal, Role
from db.base import utcnow
from db.enums import ActorType, AuditResult
from db.ids import IdPrefix, new_id, prefix_of
from db.models import AuditEvent, Tenant
from resolvers import notifications
from resolvers.audit_spool import Event
from resolvers.context import RequestContext

logger = structlog.stdlib.get_logger("scaigate.audit")

AUDIT_CHANNEL = "scaigate_audit"  # PostgreSQL NOTIFY channel; the payload is the event id
AUDIT_EVENTS = cast("Table", AuditEvent.__table__)
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
    IdPrefix.SCIM_TOKEN: "scim_token",
}


class EventFields(TypedDict, total=False):
    """What an event says besides its action; `actor` absent: the request's principal."""

    resource_type: str | None
    resource_id: str | None
    tenant_id: str | None
    partner_id: str | None
    result: AuditResult
    metadata: dict[str, Any] | None
    actor: Principal | None


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
    if principal.scim_token_id is not None:
        return ActorType.SCIM
    return ActorType.SERVICE if principal.role is Role.PLATFORM else ActorType.USER


def event_row(context: RequestContext, action: str, **fields: Unpack[EventFields]) -> Event:
    """A new event as its `audit_events` row, by column name: id and time are set here.

    Values are cut to their columns' lengths: an event must never fail on a long argument.
    """
    principal = fields.get("actor", context.principal)
    return {
        "id": new_id(IdPrefix.AUDIT),
        "created_at": utcnow(),
        "actor_id": _fitted(AUDIT_EVENTS.c.actor_id, principal.subject if principal else None),
        "actor_type": actor_type_of(principal).value,
        "actor_role": principal.role.value if principal else None,
        "partner_id": fields.get("partner_id"),
        "tenant_id": fields.get("tenant_id"),
        "action": action,
        "resource_type": fields.get("resource_type"),
        "resource_id": _fitted(AUDIT_EVENTS.c.resource_id, fields.get("resource_id")),
        "result": fields.get("result", AuditResult.SUCCESS).value,
        "metadata": redact(fields.get("metadata") or {}),
        "ip": context.meta.ip,
        "user_agent": _fitted(AUDIT_EVENTS.c.user_agent, context.meta.user_agent or None),
        "request_id": context.meta.request_id or None,
    }


async def record(
    session: AsyncSession, context: RequestContext, action: str, **fields: Unpack[EventFields]
) -> str:
    """Adds one event to the session's transaction and returns its id.

    Without a `partner_id`, a tenant's partner is read in the same INSERT.
    """
    event = event_row(context, action, **fields)
    await _insert(session, event)
    return str(event["id"])


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


async def record_alone(context: RequestContext, action: str, **fields: Unpack[EventFields]) -> str:
    """An event in a transaction of its own: refusals, failures, authentication events.

    When the database cannot take it, the event waits in the process's spool
    (`resolvers.audit_spool`) and is written, with its id and time, once the database is back.
    """
    event = event_row(context, action, **fields)
    try:
        async with context.transaction() as session:
            await _insert(session, event)
    except Exception as exc:
        if context.audit_spool is None:
            raise
        await context.audit_spool.append(event)
        # One short line: the cause is the outage that every other request also reports.
        logger.warning("audit_event_spooled", event_id=event["id"], error=type(exc).__name__)
    return str(event["id"])


async def write_spooled(
    sessions: async_sessionmaker[AsyncSession], events: list[Event]
) -> list[Event]:
    """Writes spooled events in one transaction, skipping ids already stored.

    Returns the events the database refuses while it answers (each tried alone), so that one
    bad value cannot hold up the rest for ever; raises while the database does not answer.
    """
    try:
        async with sessions() as session, session.begin():
            for event in events:
                await _insert(session, event, skip_existing=True)
        return []
    except Exception:
        if not await _answers(sessions):
            raise
    refused: list[Event] = []
    for event in events:
        try:
            async with sessions() as session, session.begin():
                await _insert(session, event, skip_existing=True)
        except Exception:
            if not await _answers(sessions):
                raise
            refused.append(event)
    return refused


async def _answers(sessions: async_sessionmaker[AsyncSession]) -> bool:
    try:
        async with sessions() as session:
            await session.execute(text("SELECT 1"))
    except Exception:
        return False
    return True


async def _insert(session: AsyncSession, event: Event, *, skip_existing: bool = False) -> None:
    row: dict[str, Any] = dict(event)
    if row["partner_id"] is None and row["tenant_id"] is not None:
        row["partner_id"] = (
            select(Tenant.partner_id).where(Tenant.id == row["tenant_id"]).scalar_subquery()
        )
    if not skip_existing:
        await session.execute(insert(AUDIT_EVENTS).values(row))
    else:
        dialect = session.get_bind().dialect.name
        upsert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = (
            upsert(AUDIT_EVENTS)
            .values(row)
            .on_conflict_do_nothing(index_elements=[AUDIT_EVENTS.c.id])
            .returning(AUDIT_EVENTS.c.id)
        )
        if (await session.execute(statement)).first() is None:
            return  # written before: its subscribers were told then
    await _announce(session, str(row["id"]))


def _fitted(column: Column[Any], value: str | None) -> str | None:
    length: int | None = getattr(column.type, "length", None)
    return value[:length] if value is not None and length is not None else value


async def _announce(session: AsyncSession, event_id: str) -> None:
    """Tells live subscribers on every process once (and only if) the transaction commits."""
    await notifications.announce(session, AUDIT_CHANNEL, event_id)
