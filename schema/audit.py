"""Audit log queries: the list in the caller's scope and one event. There is no mutation.

`AuditEventFilter` is the generated `<Type>Filter` of the audit event descriptor (`action:
StringFilter`, `result: AuditResultFilter`, `createdAt: DateTimeFilter`, `and`/`or`/`not`, …)
plus the shorthands `since`/`until`; the live feed (`schema.subscriptions`) takes the same
input.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import strawberry

from resolvers import audit_log, resources
from schema.connection import connection_from_keyset
from schema.context import request_context
from schema.directives import reads
from schema.selection import page_relay
from schema.types import connections
from schema.types.audit_event import AuditEvent
from schema.types.filters import filter_type, listing, order_type

if TYPE_CHECKING:
    AuditEventFilter = Any
    AuditEventOrderBy = Any
else:
    AuditEventFilter = filter_type(resources.AUDIT_EVENT)
    AuditEventOrderBy = order_type(resources.AUDIT_EVENT)


@strawberry.type
class AuditQuery:
    @strawberry.field(
        extensions=reads(),
        description="Audit events in the caller's scope, newest first unless `orderBy` says "
        "otherwise: all for super admins and platform tokens, the partner's for a partner "
        "admin, the tenant's for a tenant admin.",
    )
    async def audit_events(
        self,
        info: strawberry.Info,
        first: int | None = None,
        after: str | None = None,
        filter: AuditEventFilter | None = None,
        order_by: list[AuditEventOrderBy] | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> connections.AuditEventConnection:
        page = await audit_log.list_(
            request_context(info),
            page_relay(info, first, after, last, before),
            listing(filter, order_by, None),
        )
        return connection_from_keyset(page)

    @strawberry.field(extensions=reads())
    async def audit_event(self, info: strawberry.Info, id: strawberry.ID) -> AuditEvent | None:
        row: Any = await audit_log.get(request_context(info), id)
        return row
