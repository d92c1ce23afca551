"""Matrix operations: SSO sessions (the sessions of tenant T's users are tenant resources)."""

from __future__ import annotations

from tests.security.operations import GraphQLCall, Operation, RestCall, _by_id
from tests.security.policies import Policy
from tests.security.targets_sessions import (
    fresh_session,
    only_session_of_tenant_t,
    session_of_a_fresh_partner,
    user_of_a_fresh_partner,
)

A = "/api/v1/admin"


def _relation(root: str, variable: str, relation: str) -> GraphQLCall:
    """`relation`'s nodes under `root(id: …)`: the target must be among them when allowed."""
    return GraphQLCall(
        f"query ($id: ID!) {{ {root}(id: $id) {{ {relation}(first: 100) {{ nodes {{ id }} }} }} }}",
        root,
        lambda t: {"id": t[variable]},
        list_of=True,
        within=relation,
    )


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
    # --- relation reads: the parent's rule decides, the target's scope applies within it
    Operation(
        "user.sessions", Policy.READ_ONE, fresh_session, _relation("user", "user", "sessions")
    ),
    Operation(
        "tenant.sessions",
        Policy.READ_ONE,
        only_session_of_tenant_t,
        _relation("tenant", "tenant", "sessions"),
    ),
    Operation(
        "partner.sessions",
        Policy.SUPER_ADMIN_ONLY,
        session_of_a_fresh_partner,
        _relation("partner", "partner", "sessions"),
    ),
    Operation(
        "partner.users",
        Policy.SUPER_ADMIN_ONLY,
        user_of_a_fresh_partner,
        _relation("partner", "partner", "users"),
    ),
]
