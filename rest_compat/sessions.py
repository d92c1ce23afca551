"""`/api/v1/admin/sessions`: list, read and revoke SSO sessions.

`POST /sessions/{id}/revoke` answers 200 with the session, `revoked_at` set; revoking one
that has already ended answers it unchanged (so a retry is harmless).
"""

from __future__ import annotations

from resolvers import resources
from rest_compat.documents import selection
from rest_compat.table import Route, Shape, no_variables, path_ids

SESSION = selection(
    "id user_id tenant_id partner_id admin_role ip user_agent active created_at expires_at"
    " revoked_at revoked_reason"
)

ROUTES = [
    Route(
        "GET",
        "/sessions",
        f"""query ($first: Int, $after: String,
                   $orderBy: [SessionOrderBy!], $userId: ID, $tenantId: ID, $active: Boolean) {{
            sessions(first: $first, after: $after, orderBy: $orderBy,
                userId: $userId, tenantId: $tenantId,
                     active: $active) {{
                totalCount nodes {{ {SESSION} }} }} }}""",
        "sessions",
        no_variables,
        shape=Shape.PAGE,
        listing=resources.SSO_SESSION,
        filters={"user_id": "userId", "tenant_id": "tenantId", "active": "active"},
        summary="List SSO sessions (active=true: live ones only; false: ended ones)",
    ),
    Route(
        "GET",
        "/sessions/{id}",
        f"query ($id: ID!) {{ session(id: $id) {{ {SESSION} }} }}",
        "session",
        path_ids(id="id"),
        summary="Get an SSO session",
    ),
    Route(
        "POST",
        "/sessions/{id}/revoke",
        f"mutation ($id: ID!) {{ revokeSession(id: $id) {{ {SESSION} }} }}",
        "revokeSession",
        path_ids(id="id"),
        summary="Revoke an SSO session: its tokens are refused from the next request on",
    ),
]
