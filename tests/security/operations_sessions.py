"""Matrix operations: SSO sessions (the sessions of tenant T's users are tenant resources)."""

from __future__ import annotations

from tests.security.operations import GraphQLCall, Operation, RestCall, _by_id
from tests.security.policies import Policy
from tests.security.targets_sessions import fresh_session

A = "/api/v1/admin"

OPERATIONS: list[Operation] = [
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
