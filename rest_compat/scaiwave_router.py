"""The ScaiWave admin API (`/v1/admin/...`): its route tables, mounted under one prefix.

Adding routes
    A resource module holds `ROUTES: list[Route]` (as the ScaiKey ones do) and is listed in
    `SCAIWAVE_ROUTES` below; `build_router` and the runner do the rest. The exhaustiveness
    test of the authorization matrix walks `scaiwave_router`, so every route listed here
    must have a matrix row.

The tenant in context
    Nearly every ScaiWave call acts on one tenant. In the graph the field takes
    `tenantId: ID` (declare it with `schema.types.tenant_context.TenantArgument`) and the
    resolver calls `resolvers.tenant_context.resolve(context, tenant_id)` for the tenant's id
    (reads), or `tenant_context.lock(session, context, tenant_id)` inside the write's
    transaction for the locked tenant row (writes). REST names the tenant with the header
    `X-Scai-Tenant: tnt_…`; a route maps it onto `$tenantId` with `headers=IN_TENANT`
    (from `rest_compat.table`), so its document declares `$tenantId: ID` and passes it on:

        Route(
            "GET",
            "/ai-config",
            f"query ($tenantId: ID) {{ aiConfig(tenantId: $tenantId) {{ {AI_CONFIG} }} }}",
            "aiConfig",
            no_variables,
            headers=IN_TENANT,
        )

    `Route.headers` is general (any header → any variable; `Call.headers` carries the
    request's headers for a custom VariableMap). When a value that came from a header is
    refused, REST names the header: `{"detail": "X-Scai-Tenant header: is required: …"}`.
    The rules (tenant admin: own tenant, another one → 404; partner admin: its partner's
    tenants; super admin and platform tokens: any; none named → 422) live in
    `resolvers.tenant_context`, nowhere else.

Lists
    ScaiWave lists answer `{"data": [...]}` without pagination: `shape=Shape.DATA`. The root
    field may return a plain list, or a Relay connection: then the document declares
    `$first: Int, $after: String` and selects `nodes { … } pageInfo { hasNextPage
    endCursor }`, and the runner reads the connection to its end, 100 items a page. A route
    with `limit=(default, maximum)` takes `?limit=N` as `first` and gets that one page only.
    `Route.filters` (query parameter → variable) applies to every shape; values arrive as
    strings.

Statuses
    An upstream service that answers badly is BAD_GATEWAY (502, `UpstreamFailed`); one that
    cannot be reached or times out is SERVICE_UNAVAILABLE (503, `UpstreamUnavailable`);
    both in `resolvers.errors`, mapped through its one HTTP table.
"""

from __future__ import annotations

from fastapi import APIRouter

from rest_compat import (
    ai_config,
    collaboration_audit,
    collaboration_partners,
    collaboration_stats,
    models_catalog,
    note_processing,
    participants,
    plugins,
    prompt_studio,
)
from rest_compat.router import build_router
from rest_compat.runner import ContextOf
from rest_compat.table import Route

SCAIWAVE_PREFIX = "/v1/admin"
SCAIWAVE_ROUTES: list[Route] = [
    *ai_config.ROUTES,
    *models_catalog.ROUTES,
    *plugins.ROUTES,
    *participants.ROUTES,
    *collaboration_stats.ROUTES,
    *collaboration_audit.ROUTES,
    *prompt_studio.ROUTES,
    *note_processing.ROUTES,
    *collaboration_partners.ROUTES,
]


def scaiwave_router(context_of: ContextOf) -> APIRouter:
    return build_router(SCAIWAVE_PREFIX, SCAIWAVE_ROUTES, "ScaiWave admin", context_of)
