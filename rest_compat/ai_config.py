"""`/v1/admin/ai-config`: the tenant's AI settings (tenant named by `X-Scai-Tenant`).

`PUT` takes the documented body whole: every key is required (`default_model` may be null)
except `scaigrid_api_key`, which is write-only: absent or null keeps the stored key, `""`
removes it. Responses carry `has_scaigrid_api_key` instead of the key.
"""

from __future__ import annotations

from rest_compat.documents import selection
from rest_compat.table import IN_TENANT, Route, body_input, no_variables

AI_CONFIG = selection(
    "tenant_id default_model enabled_models system_prompt_templates { name prompt }"
    " scaigrid_auth_mode has_scaigrid_api_key updated_at"
)

ROUTES = [
    Route(
        "GET",
        "/ai-config",
        f"query ($tenantId: ID) {{ aiConfig(tenantId: $tenantId) {{ {AI_CONFIG} }} }}",
        "aiConfig",
        no_variables,
        headers=IN_TENANT,
        summary="The tenant's AI settings (defaults until first changed)",
    ),
    Route(
        "PUT",
        "/ai-config",
        f"""mutation ($tenantId: ID, $input: AiConfigInput!) {{
            updateAiConfig(tenantId: $tenantId, input: $input) {{ {AI_CONFIG} }} }}""",
        "updateAiConfig",
        body_input(),
        body_input="AiConfigInput",
        headers=IN_TENANT,
        summary="Replace the tenant's AI settings (the API key is kept unless sent)",
    ),
]
