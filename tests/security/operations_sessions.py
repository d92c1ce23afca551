"""Matrix operations: SSO sessions (the sessions of tenant T's users are tenant resources)."""

from __future__ import annotations

from tests.security.operations import GraphQLCall, Operation, RestCall, _by_id, _one
from tests.security.policies import Policy
from tests.security.targets_sessions import fresh_session

A = "/api/v1/admin"

OPERATIONS: list[Operation] = [
    Operation(
        "sessions",
        Policy.READ_LIST,
        fresh_session,
        GraphQLCall(
            "query ($u: ID) { sessions(first: 100, userId: $u) { nodes { id } } }",
            "sessions",
            lambda t: {"u": t["user"]},
            list_of=True,
        ),
        RestCall("GET", lambda t: f"{A}/sessions?per_page=100&user_id={t['user']}", list_of=True),
    ),
    Operation(
        "session",
        Policy.READ_ONE,
        fresh_session,
        GraphQLCall(_one("session"), "session", _by_id),
        RestCall("GET", lambda t: f"{A}/sessions/{t['id']}"),
    ),
    Operation(
        "revokeSession",
        Policy.TENANT_WRITE,
        fresh_session,
        GraphQLCall(
            "mutation ($id: ID!) { revokeSession(id: $id) { id } }", "revokeSession", _by_id
        ),
        RestCall("POST", lambda t: f"{A}/sessions/{t['id']}/revoke"),
    ),
]
