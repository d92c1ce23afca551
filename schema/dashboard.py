"""The dashboard's counters. Its activity feed is `auditEvents`: the same events, in scope."""

from __future__ import annotations

from typing import Any

import strawberry

from resolvers import dashboard
from schema.context import request_context
from schema.directives import reads
from schema.types.dashboard import DashboardStats


@strawberry.type
class DashboardQuery:
    @strawberry.field(
        extensions=reads(),
        description="Counters for the admin home page, within the caller's scope. For recent "
        "activity, ask `auditEvents(first: 20)`.",
    )
    async def dashboard_stats(self, info: strawberry.Info) -> DashboardStats:
        counted: Any = await dashboard.stats(request_context(info))
        return counted
