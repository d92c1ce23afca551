"""`/v1/admin/prompt-studio`: the tenant's prompt-studio state (tenant in `X-Scai-Tenant`).

`PUT` takes `{"enabled": true, "allowlist": ["usr_…"]}`; a field left out keeps its value,
`allowlist` replaces the list. Both answer the state, with `allowlist_users` beside the ids
(id, e-mail and display name) for dashboards.
"""

from __future__ import annotations

from rest_compat.documents import selection
from rest_compat.table import IN_TENANT, Route, body_input, no_variables

PROMPT_STUDIO = selection(
    "tenant_id enabled allowlist allowlist_users { id email display_name } updated_at"
)

ROUTES = [
    Route(
        "GET",
        "/prompt-studio",
        f"""query ($tenantId: ID) {{
            promptStudio(tenantId: $tenantId) {{ {PROMPT_STUDIO} }} }}""",
        "promptStudio",
        no_variables,
        headers=IN_TENANT,
        summary="Prompt-studio feature state of the tenant (defaults when never set)",
    ),
    Route(
        "PUT",
        "/prompt-studio",
        f"""mutation ($tenantId: ID, $input: UpdatePromptStudioInput!) {{
            updatePromptStudio(tenantId: $tenantId, input: $input) {{ {PROMPT_STUDIO} }} }}""",
        "updatePromptStudio",
        body_input(),
        body_input="UpdatePromptStudioInput",
        headers=IN_TENANT,
        summary="Switch the prompt studio and set its allowlist (users of the tenant)",
    ),
]
