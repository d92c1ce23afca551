"""Audit log queries: the list in the caller's scope and one event. There is no mutation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from resolvers import audit_log
from resolvers.audit_log import AuditFilter
from resolvers.pagination import Window
from schema.connection import Connection, connection_from_slice
from schema.context import request_context
from schema.directives import reads
from schema.types.audit_event import AuditEvent


@strawberry.input(description="Every condition given must hold; all are optional.")
class AuditEventFilter:
    action: str | None = strawberry.field(default=None, description="e.g. `user.create`.")
    actor_id: str | None = None
    actor_type: str | None = strawberry.field(
        default=None, description="`user`, `service`, `scim` or `anonymous`."
    )
    resource_type: str | None = strawberry.field(default=None, description="e.g. `user`.")
    resource_id: str | None = None
    result: str | None = strawberry.field(
        default=None, description="`success`, `failure` or `denied`."
    )
    tenant_id: strawberry.ID | None = None
    partner_id: strawberry.ID | None = None
    since: datetime | None = strawberry.field(
        default=None,
        description="Events at or after this time (ISO 8601; without an offset, UTC).",
    )
    until: datetime | None = strawberry.field(
        default=None, description="Events before this time (ISO 8601; without an offset, UTC)."
    )


def audit_filter(given: AuditEventFilter | None) -> AuditFilter:
    """The resolvers' filter from the GraphQL input (shared with the live feed)."""
    if given is None:
        return audit_log.NO_FILTER
    return AuditFilter(
        action=given.action,
        actor_id=given.actor_id,
        actor_type=given.actor_type,
        resource_type=given.resource_type,
        resource_id=given.resource_id,
        result=given.result,
        tenant_id=given.tenant_id,
        partner_id=given.partner_id,
        since=given.since,
        until=given.until,
    )


@strawberry.type
class AuditQuery:
    @strawberry.field(
        extensions=reads(),
        description="Audit events in the caller's scope, newest first: all for super admins "
        "and platform tokens, the partner's for a partner admin, the tenant's for a tenant "
        "admin.",
    )
    async def audit_events(
        self,
        info: strawberry.Info,
        first: int | None = None,
        after: str | None = None,
        filter: AuditEventFilter | None = None,
    ) -> Connection[AuditEvent]:
        window = Window.from_relay(first, after)
        page = await audit_log.list_(request_context(info), window, audit_filter(filter))
        return connection_from_slice(page)

    @strawberry.field(extensions=reads())
    async def audit_event(self, info: strawberry.Info, id: strawberry.ID) -> AuditEvent | None:
        row: Any = await audit_log.get(request_context(info), id)
        return row
