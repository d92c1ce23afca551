"""`/api/v1/admin/dashboard`: the home page's counters and its recent activity.

`stats` answers the counters as one flat object. `activity` answers `{"data": [...]}`:
the newest `limit` audit events in the caller's scope (default 20, at most 100), the
`auditEvents` list's first page.
"""

from __future__ import annotations

from resolvers.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from rest_compat.audit import AUDIT_EVENT
from rest_compat.table import Route, Shape, no_variables

STATS = (
    "partners tenants users groups applications agents active_sessions: activeSessions"
    " sign_ins_last_24h: signInsLast24h"
    " sign_in_failures_last_24h: signInFailuresLast24h as_of: asOf"
)


ROUTES = [
    Route(
        "GET",
        "/dashboard/stats",
        f"query {{ dashboardStats {{ {STATS} }} }}",
        "dashboardStats",
        no_variables,
        summary="Counters for the admin home page, within the caller's scope",
    ),
    Route(
        "GET",
        "/dashboard/activity",
        f"""query ($first: Int) {{
            auditEvents(first: $first) {{ nodes {{ {AUDIT_EVENT} }} }} }}""",
        "auditEvents",
        no_variables,
        shape=Shape.DATA,
        limit=(DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
        summary="The newest audit events in the caller's scope (`limit`, default 20, max 100)",
    ),
]
