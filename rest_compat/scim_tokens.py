"""SCIM tokens over REST: an extension of this gateway, not part of the ScaiKey REST paths.

`GET  /scim-tokens?tenant_id=…`           the tokens of the tenants the caller manages
`POST /tenants/{id}/scim-tokens`         `{"name": …}` → 201: the token, with its `secret` once
`POST /scim-tokens/{id}/revoke`          refused from the next request on; a retry is harmless
"""

from __future__ import annotations

from rest_compat.documents import selection
from rest_compat.table import Route, Shape, body_input, no_variables, path_ids

SCIM_TOKEN = selection(
    "id tenant_id name hint created_by created_at last_used_at revoked_at active"
)

ROUTES = [
    Route(
        "GET",
        "/scim-tokens",
        f"""query ($first: Int, $after: String, $tenantId: ID) {{
            scimTokens(first: $first, after: $after, tenantId: $tenantId) {{
                totalCount nodes {{ {SCIM_TOKEN} }} }} }}""",
        "scimTokens",
        no_variables,
        shape=Shape.PAGE,
        filters={"tenant_id": "tenantId"},
        summary="List SCIM tokens, never their secrets (an extension: not in the ScaiKey spec)",
    ),
    Route(
        "POST",
        "/tenants/{id}/scim-tokens",
        f"""mutation ($tenantId: ID!, $input: CreateScimTokenInput!) {{
            createScimToken(tenantId: $tenantId, input: $input) {{
                secret scimToken {{ {SCIM_TOKEN} }} }} }}""",
        "createScimToken",
        body_input(path={"id": "tenantId"}),
        status=201,
        body_input="CreateScimTokenInput",
        resource_key="scimToken",
        summary="Create a SCIM token; the answer holds its secret, once (an extension)",
    ),
    Route(
        "POST",
        "/scim-tokens/{id}/revoke",
        f"mutation ($id: ID!) {{ revokeScimToken(id: $id) {{ {SCIM_TOKEN} }} }}",
        "revokeScimToken",
        path_ids(id="id"),
        summary="Revoke a SCIM token: refused from the next request on (an extension)",
    ),
]
