"""Matrix operations: the audit log and the dashboard.

The target of the audit reads is an event of tenant T, kept in the log while the call runs
(the matrix empties the log around each call, but for the events a call reads). The
dashboard's recent activity is the audit list under another path, so it is one more REST
route on `auditEvents`. The `auditEvents` subscription is checked in
`tests/gateway/test_audit_feed.py` (TestWhoReceivesWhat), over a real WebSocket.
"""

from __future__ import annotations

from tests.security.operations import GraphQLCall, Operation, RestCall, _none
from tests.security.policies import Policy
from tests.security.targets import world_targets
from tests.security.targets_audit import event_of_tenant_t

A = "/api/v1/admin"

OPERATIONS: list[Operation] = [
    Operation(
        "dashboardStats",
        Policy.SCOPED_READ,
        world_targets,
        GraphQLCall("query { dashboardStats { tenants users } }", "dashboardStats", _none),
        RestCall("GET", lambda t: f"{A}/dashboard/stats"),
    ),
    Operation(
        "auditEvents(dashboard activity)",
        Policy.READ_LIST,
        event_of_tenant_t,
        GraphQLCall(
            "query { auditEvents(first: 100) { nodes { id } } }",
            "auditEvents",
            _none,
            list_of=True,
        ),
        RestCall("GET", lambda t: f"{A}/dashboard/activity?limit=100", list_of=True),
    ),
    # Filters and orders narrow within the caller's scope, never past it: filtered on the
    # target's own tenant, action prefix and result, and ordered, T's event is still hidden
    # from the callers that may not see it.
    Operation(
        "auditEvents(filtered, ordered)",
        Policy.READ_LIST,
        event_of_tenant_t,
        GraphQLCall(
            """query ($t: ID!) { auditEvents(
                first: 100,
                filter: {tenantId: {in: [$t]}, action: {startsWith: "user."},
                         result: {notIn: [FAILURE, DENIED]}},
                orderBy: [CREATED_AT_DESC]
            ) { nodes { id } } }""",
            "auditEvents",
            lambda t: {"t": t["tenant"]},
            list_of=True,
        ),
        RestCall(
            "GET",
            lambda t: f"{A}/audit?per_page=100&tenant_id={t['tenant']}&action=user.update",
            list_of=True,
        ),
    ),
]
