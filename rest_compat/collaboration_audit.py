"""`/v1/admin/audit`: the audit log as ScaiWave clients read it, `{"data": [...]}`.

It runs the `auditEvents` field with its filter: `X-Scai-Tenant` narrows to that tenant's
events (within the caller's scope, so a tenant outside it has none), and the query
parameters `action`, `actor_id`, `resource_type`, `resource_id`, `since` and `until`
(ISO 8601; `since` inclusive, `until` exclusive) narrow further. Newest first; `limit`
events (default 50, at most 100, the largest page the graph serves).
"""

from __future__ import annotations

from rest_compat.audit import AuditFilter
from rest_compat.documents import selection
from rest_compat.table import IN_TENANT, Route, Shape, no_variables

DEFAULT_LIMIT = 50
MAX_LIMIT = 100

# The keys of ScaiWave's documented example, in its order.
EVENT = selection(
    "id tenant_id actor_id actor_type action resource_type resource_id metadata ip"
    " user_agent created_at"
)
_FILTER = AuditFilter.of("action", "actor_id", "resource_type", "resource_id", "since", "until")


ROUTES = [
    Route(
        "GET",
        "/audit",
        f"""query ($first: Int, $tenantId: ID, {_FILTER.declared}) {{
            auditEvents(
                first: $first, filter: {{ tenantId: {{eq: $tenantId}}, {_FILTER.fields} }}
            ) {{ nodes {{ {EVENT} }} }} }}""",
        "auditEvents",
        no_variables,
        shape=Shape.DATA,
        limit=(DEFAULT_LIMIT, MAX_LIMIT),
        filters=_FILTER.params,
        headers=IN_TENANT,
        summary="Audit events of the tenant, newest first (filters: action, actor_id, "
        "resource_type, resource_id, since, until, limit)",
    ),
]
