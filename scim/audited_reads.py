"""A SCIM token's reads and their audit events, committed together without a transaction of
their own for the event.

Every use of a SCIM token is audited, reads included (`scim.user.list`, `scim.group.read`, …).
The event is not written alone after the read (its own BEGIN, INSERT, NOTIFY and COMMIT: four
round trips and a commit on every look-up's path) but with the read itself:

- PostgreSQL: in the read's statement. The event's `INSERT` (its `RETURNING` sends the live
  feed's `NOTIFY`) is a data-modifying `WITH` of the page's query, which PostgreSQL runs to
  completion whether or not the query reads it. The statement runs in autocommit, so it
  commits before the answer is sent: an answered read has its event stored, and a read the
  database could not serve has neither. One round trip.
- Elsewhere (SQLite): the read and the `INSERT` in one transaction.

Nothing is spooled: as for a write's event, a database that cannot take the event cannot
serve the read either, and the request fails.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, insert, literal, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncEngine

from db.models import Tenant
from resolvers import audit
from resolvers.audit import AUDIT_CHANNEL, AUDIT_EVENTS
from resolvers.context import RequestContext
from resolvers.rows import lean

# Per engine: its twin whose connections commit each statement (the audited read's).
_AUTOCOMMIT: weakref.WeakKeyDictionary[AsyncEngine, AsyncEngine] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Audit:
    """The event a read by a SCIM token writes."""

    action: str  # `scim.user.list`
    tenant_id: str
    resource_type: str
    resource_id: str | None = None
    metadata: dict[str, Any] | None = None
    results_key: str | None = None  # the metadata key that receives the number of rows read
    only_if_found: bool = False  # a read of one resource that finds none writes no event


async def read_audited(
    context: RequestContext, statement: Select[Any], order: Sequence[Any], event: Audit | None
) -> list[Any]:
    """The rows of `statement` in `order`; with `event` (a SCIM token's read), its audit event
    is written in the same statement on PostgreSQL, in the same transaction elsewhere."""
    if event is None or context.actor.scim_token_id is None:
        async with context.read() as session:
            return lean(await session.execute(statement.order_by(*order)))
    sessions = context.write_sessions or context.sessions
    engine = sessions.kw.get("bind")
    if isinstance(engine, AsyncEngine) and engine.dialect.name == "postgresql":
        async with sessions(bind=_autocommit(engine)) as session:
            return lean(await session.execute(_with_event(context, statement, order, event)))
    async with context.transaction() as session:
        rows = lean(await session.execute(statement.order_by(*order)))
        if rows or not event.only_if_found:
            metadata = dict(event.metadata or {})
            if event.results_key is not None:
                metadata[event.results_key] = len(rows)
            await audit.record(
                session,
                context,
                event.action,
                tenant_id=event.tenant_id,
                resource_type=event.resource_type,
                resource_id=event.resource_id,
                metadata=metadata,
            )
    return rows


def _autocommit(engine: AsyncEngine) -> AsyncEngine:
    twin = _AUTOCOMMIT.get(engine)
    if twin is None:
        twin = _AUTOCOMMIT[engine] = engine.execution_options(isolation_level="AUTOCOMMIT")
    return twin


def _with_event(
    context: RequestContext, statement: Select[Any], order: Sequence[Any], event: Audit
) -> Select[Any]:
    """`WITH event AS (INSERT INTO audit_events … RETURNING pg_notify(…)) <statement>`.

    The page itself stays the outer query, as without an event: wrapping it in a `WITH` of
    its own would make every request build that `WITH`'s column collection and adapt the
    order to it, which cost more CPU than the round trips saved. The number of rows read
    is counted over the page as a subquery: PostgreSQL drops the subquery's unused columns
    (the groups aggregate among them), so for a look-up that is one more index probe."""
    page = statement.order_by(*order)
    row = audit.event_row(
        context,
        event.action,
        tenant_id=event.tenant_id,
        resource_type=event.resource_type,
        resource_id=event.resource_id,
        metadata=event.metadata,
    )
    values: dict[str, Any] = {
        name: literal(value, AUDIT_EVENTS.c[name].type)
        for name, value in row.items()
        if name not in ("metadata", "partner_id")
    }
    metadata: Any = literal(row["metadata"], JSONB)
    if event.results_key is not None:
        counted = select(func.count()).select_from(page.subquery()).scalar_subquery()
        metadata = metadata.op("||")(func.jsonb_build_object(event.results_key, counted))
    values["metadata"] = metadata
    values["partner_id"] = (
        select(Tenant.partner_id).where(Tenant.id == event.tenant_id).scalar_subquery()
    )
    source = select(*[value.label(name) for name, value in values.items()])
    if event.only_if_found:
        source = source.where(page.exists())
    written = (
        insert(AUDIT_EVENTS)
        .from_select(list(values), source)
        .returning(func.pg_notify(AUDIT_CHANNEL, AUDIT_EVENTS.c.id))
        .cte("event")
    )
    return page.add_cte(written)
