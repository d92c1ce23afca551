"""Reading the audit log: the list, one event, and the rows the live feed delivers.

All three apply the same two things as SQL: the caller's scope
(`access.visible_audit_events`) and an `AuditFilter`. Newest first is by ID, which is
time-ordered and indexed with the scope columns. Writing events is `resolvers.audit`'s
business alone: nothing here, or anywhere else, changes or removes one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, select

from db.models import AuditEvent
from resolvers import access, resources
from resolvers.audit import ActorType, AuditResult
from resolvers.context import RequestContext
from resolvers.errors import BadInput, NotFound
from resolvers.pagination import Slice, Window, fetch_slice
from resolvers.rows import lean

KIND = "Audit event"
_TABLE = AuditEvent.__table__
_ACTOR_TYPES = tuple(member.value for member in ActorType)
_RESULTS = tuple(member.value for member in AuditResult)


def _utc(value: datetime) -> datetime:
    """A time without an offset is read as UTC, the zone every event is stored in."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _one_of(field: str, value: str | None, allowed: tuple[str, ...]) -> str | None:
    """The value as stored (lower case); like enum values, it may be given in any case."""
    if value is None:
        return None
    if value.lower() not in allowed:
        raise BadInput(field, f"must be one of {', '.join(allowed)}")
    return value.lower()


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Conditions on events, all optional; `since` is inclusive and `until` exclusive."""

    action: str | None = None
    actor_id: str | None = None
    actor_type: str | None = None
    resource_type: str | None = None
    resource_id: str | None = None
    result: str | None = None
    tenant_id: str | None = None
    partner_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "actor_type", _one_of("actor_type", self.actor_type, _ACTOR_TYPES))
        object.__setattr__(self, "result", _one_of("result", self.result, _RESULTS))
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, _utc(value))
        if self.since is not None and self.until is not None and self.until < self.since:
            raise BadInput("until", "must not be earlier than since")

    def clauses(self) -> list[ColumnElement[bool]]:
        equal = {
            _TABLE.c.action: self.action,
            _TABLE.c.actor_id: self.actor_id,
            _TABLE.c.actor_type: self.actor_type,
            _TABLE.c.resource_type: self.resource_type,
            _TABLE.c.resource_id: self.resource_id,
            _TABLE.c.result: self.result,
            _TABLE.c.tenant_id: self.tenant_id,
            _TABLE.c.partner_id: self.partner_id,
        }
        clauses = [column == value for column, value in equal.items() if value is not None]
        if self.since is not None:
            clauses.append(_TABLE.c.created_at >= self.since)
        if self.until is not None:
            clauses.append(_TABLE.c.created_at < self.until)
        return clauses


NO_FILTER = AuditFilter()


async def get(context: RequestContext, event_id: str) -> Any:
    row = await context.loaders.by_id(resources.AUDIT_EVENT).load(event_id)
    if row is None:
        raise NotFound.resource(KIND, event_id)
    return row


async def list_(context: RequestContext, window: Window, audit_filter: AuditFilter) -> Slice:
    """The caller's events matching `audit_filter`, newest first."""
    statement = select(_TABLE).where(
        access.visible_audit_events(context.actor), *audit_filter.clauses()
    )
    return await fetch_slice(context.read, statement, _TABLE.c.id.desc(), window)


async def deliverable(
    context: RequestContext, event_ids: Sequence[str], audit_filter: AuditFilter
) -> list[Any]:
    """Of the events just written, those the caller may see and asked for, in the given
    order: the live feed's rule is the list's rule, run as the same SQL."""
    if not event_ids:
        return []
    statement = select(_TABLE).where(
        _TABLE.c.id.in_(event_ids),
        access.visible_audit_events(context.actor),
        *audit_filter.clauses(),
    )
    async with context.read() as session:
        rows = {row.id: row for row in lean(await session.execute(statement))}
    return [rows[event_id] for event_id in event_ids if event_id in rows]
