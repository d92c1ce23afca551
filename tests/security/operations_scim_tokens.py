"""Matrix operations: SCIM tokens (tenant T's tokens are managed by who manages its users)."""

from __future__ import annotations

from tests.factories_scim import create_scim_token
from tests.security.operations import GraphQLCall, Operation, RestCall, _by_id
from tests.security.policies import Policy
from tests.security.principals import World
from tests.security.targets import Sessions, Targets

A = "/api/v1/admin"


async def fresh_scim_token(sessions: Sessions, world: World) -> Targets:
    token, _secret = await create_scim_token(sessions, tenant=world.tenant)
    return {"id": token.id, "tenant": world.tenant.id}


async def tenant_of_new_token(sessions: Sessions, world: World) -> Targets:
    return {"tenant": world.tenant.id}


OPERATIONS: list[Operation] = [
    Operation(
        "scimTokens",
        Policy.READ_LIST,
        fresh_scim_token,
        GraphQLCall(
            "query ($t: ID) { scimTokens(tenantId: $t, first: 100) { nodes { id } } }",
            "scimTokens",
            lambda t: {"t": t["tenant"]},
            list_of=True,
        ),
        RestCall(
            "GET", lambda t: f"{A}/scim-tokens?per_page=100&tenant_id={t['tenant']}", list_of=True
        ),
    ),
    Operation(
        "createScimToken",
        Policy.TENANT_WRITE,
        tenant_of_new_token,
        GraphQLCall(
            """mutation ($t: ID!) { createScimToken(tenantId: $t, input: {name: "Okta"}) {
                secret scimToken { id } } }""",
            "createScimToken",
            lambda t: {"t": t["tenant"]},
        ),
        RestCall(
            "POST", lambda t: f"{A}/tenants/{t['tenant']}/scim-tokens", lambda t: {"name": "Okta"}
        ),
    ),
    Operation(
        "revokeScimToken",
        Policy.TENANT_WRITE,
        fresh_scim_token,
        GraphQLCall(
            "mutation ($id: ID!) { revokeScimToken(id: $id) { id } }", "revokeScimToken", _by_id
        ),
        RestCall("POST", lambda t: f"{A}/scim-tokens/{t['id']}/revoke"),
    ),
]
