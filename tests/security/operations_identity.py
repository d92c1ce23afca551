"""Matrix operations: identity providers and MCP agents.

Agent writes grant no new scope (a create grants none; an update keeps the target's
`admin:read`), which every caller allowed to write may do, so the matrix decides on tier and
row scoping; the scope-grant rule has its own tests.
"""

from __future__ import annotations

from typing import Any

from tests.security import targets as setups
from tests.security import targets_identity as identity
from tests.security.operations import (
    A,
    GraphQLCall,
    Operation,
    RestCall,
    _by_id,
    _create,
    _delete,
    _id_and_input,
    _input,
    _update,
    unique,
)
from tests.security.policies import Policy
from tests.security.targets import Targets


def _new_identity_provider(targets: Targets) -> dict[str, Any]:
    return {
        "tenant_id": targets["tenant"],
        "protocol": "OIDC",
        "name": f"Matrix IdP {unique()}",
        "issuer": "https://login.example",
        "client_id": "matrix",
    }


def _new_agent(targets: Targets) -> dict[str, Any]:
    return {
        "tenant_id": targets["tenant"],
        "name": f"Matrix agent {unique()}",
        "allowed_scopes": [],
    }


def _list(field: str) -> GraphQLCall:
    return GraphQLCall(
        f"query ($t: ID) {{ {field}(first: 100, tenantId: $t) {{ nodes {{ id }} }} }}",
        field,
        lambda t: {"t": t["tenant"]},
        list_of=True,
    )


OPERATIONS: list[Operation] = [
    # --- identity providers (REST has no GET for one)
    Operation(
        "createIdentityProvider",
        Policy.TENANT_WRITE,
        setups.world_targets,
        GraphQLCall(
            _create("createIdentityProvider", "CreateIdentityProviderInput"),
            "createIdentityProvider",
            _input(_new_identity_provider),
        ),
        RestCall("POST", lambda t: f"{A}/identity-providers", _new_identity_provider),
    ),
    Operation(
        "updateIdentityProvider",
        Policy.TENANT_WRITE,
        identity.fresh_identity_provider,
        GraphQLCall(
            _update("updateIdentityProvider", "UpdateIdentityProviderInput"),
            "updateIdentityProvider",
            _id_and_input({"name": "Renamed", "client_secret": "matrix-secret"}),
        ),
        RestCall(
            "PATCH",
            lambda t: f"{A}/identity-providers/{t['id']}",
            lambda t: {"name": "Renamed", "client_secret": "matrix-secret"},
        ),
    ),
    Operation(
        "deleteIdentityProvider",
        Policy.TENANT_WRITE,
        identity.fresh_identity_provider,
        GraphQLCall(_delete("deleteIdentityProvider"), "deleteIdentityProvider", _by_id),
        RestCall("DELETE", lambda t: f"{A}/identity-providers/{t['id']}"),
    ),
    # --- MCP agents
    Operation(
        "createAgent",
        Policy.TENANT_WRITE,
        setups.world_targets,
        GraphQLCall(_create("createAgent", "CreateAgentInput"), "createAgent", _input(_new_agent)),
        RestCall("POST", lambda t: f"{A}/agents", _new_agent),
    ),
    Operation(
        "updateAgent",
        Policy.TENANT_WRITE,
        identity.fresh_agent,
        GraphQLCall(
            _update("updateAgent", "UpdateAgentInput"),
            "updateAgent",
            _id_and_input({"allowed_scopes": ["admin:read"], "rate_limit_rpm": 60}),
        ),
        RestCall(
            "PATCH",
            lambda t: f"{A}/agents/{t['id']}",
            lambda t: {"allowed_scopes": ["admin:read"], "rate_limit_rpm": 60},
        ),
    ),
    Operation(
        "deleteAgent",
        Policy.TENANT_WRITE,
        identity.fresh_agent,
        GraphQLCall(_delete("deleteAgent"), "deleteAgent", _by_id),
        RestCall("DELETE", lambda t: f"{A}/agents/{t['id']}"),
    ),
]
