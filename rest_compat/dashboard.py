"""`/api/v1/admin/dashboard`: the home page's counters and its recent activity.

`stats` answers the counters as one flat object. `activity` answers `{"data": [...]}`:
the newest `limit` audit events in the caller's scope (default 20, at most 100), the
`auditEvents` list's first page.
"""

from __future__ import annotations

from typing import Any

from resolvers.errors import ErrorCode
from resolvers.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from rest_compat.audit import AUDIT_EVENT
from rest_compat.runner import RestError
from rest_compat.table import Call, Route, Shape, no_variables

STATS = (
    "partners tenants users groups applications agents active_sessions: activeSessions"
    " sign_ins_last_24h: signInsLast24h"
    " sign_in_failures_last_24h: signInFailuresLast24h as_of: asOf"
)


def limit_as_first(call: Call) -> dict[str, Any]:
    raw = call.query.get("limit")
    if raw is None:
        return {"first": DEFAULT_PAGE_SIZE}
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE_SIZE:
        raise RestError(
            422,
            f"limit: must be an integer from 1 to {MAX_PAGE_SIZE}",
            ErrorCode.BAD_USER_INPUT.value,
        )
    return {"first": int(raw)}


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
        limit_as_first,
        shape=Shape.DATA,
        summary="The newest audit events in the caller's scope (`limit`, default 20, max 100)",
    ),
]
