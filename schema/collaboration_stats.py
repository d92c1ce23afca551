"""Collaboration statistics of the tenant in context (read-only)."""

from __future__ import annotations

from typing import Any

import strawberry

from resolvers import collaboration_stats
from schema.context import request_context
from schema.directives import reads
from schema.types.collaboration_stats import CollaborationStats
from schema.types.tenant_context import TenantArgument


@strawberry.type
class CollaborationStatsQuery:
    @strawberry.field(
        extensions=reads(),
        description="Rooms, participants, AI usage (last 30 days) and storage of the tenant.",
    )
    async def collaboration_stats(
        self, info: strawberry.Info, tenant_id: TenantArgument = None
    ) -> CollaborationStats:
        stats: Any = await collaboration_stats.get(request_context(info), tenant_id)
        return stats
