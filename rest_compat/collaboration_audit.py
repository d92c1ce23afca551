"""`/v1/admin/audit`: the audit log as ScaiWave clients read it, `{"data": [...]}`.

It runs the `auditEvents` field with its filter: `X-Scai-Tenant` narrows to that tenant's
events (within the caller's scope, so a tenant outside it has none), and the query
parameters `action`, `actor_id`, `resource_type`, `resource_id`, `since` and `until`
(ISO 8601; `since` inclusive, `until` exclusive) narrow further. Newest first; `limit`
events (default 50, at most 100, the largest page the graph serves).
"""

from __future__ import annotations

from rest_compat.table import IN_TENANT, Route, Shape, no_variables

DEFAULT_LIMIT = 50
MAX_LIMIT = 100

EVENT = (
    "id tenant_id: tenantId actor_id: actorId actor_type: actorType action"
    " resource_type: resourceType resource_id: resourceId metadata ip"
    " user_agent: userAgent created_at: createdAt"
)

# query parameter → (GraphQL variable, its type); each becomes one field of the filter.
FILTERS = {
    "action": ("action", "String"),
    "actor_id": ("actorId", "String"),
    "resource_type": ("resourceType", "String"),
    "resource_id": ("resourceId", "String"),
    "since": ("since", "DateTime"),
    "until": ("until", "DateTime"),
}
_DECLARED = ", ".join(f"${variable}: {kind}" for variable, kind in FILTERS.values())
_FILTER = ", ".join(f"{variable}: ${variable}" for variable, _ in FILTERS.values())


ROUTES = [
    Route(
        "GET",
        "/audit",
        f"""query ($first: Int, $tenantId: ID, {_DECLARED}) {{
            auditEvents(first: $first, filter: {{ tenantId: $tenantId, {_FILTER} }}) {{
                nodes {{ {EVENT} }} }} }}""",
        "auditEvents",
        no_variables,
        shape=Shape.DATA,
        limit=(DEFAULT_LIMIT, MAX_LIMIT),
        filters={param: variable for param, (variable, _) in FILTERS.items()},
        headers=IN_TENANT,
        summary="Audit events of the tenant, newest first (filters: action, actor_id, "
        "resource_type, resource_id, since, until, limit)",
    ),
]
