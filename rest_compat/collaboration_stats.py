"""`/v1/admin/stats`: the tenant's rooms, participants, AI usage and storage.

AI usage covers the last 30 days, so its REST keys carry the window (`requests_30d`);
`cost_micros` is in millionths of the billing currency.
"""

from __future__ import annotations

from rest_compat.table import IN_TENANT, Route, no_variables

_MODEL_USAGE = (
    "model requests prompt_tokens: promptTokens completion_tokens: completionTokens"
    " cost_micros: costMicros"
)
STATS = f"""
    tenant_id: tenantId generated_at: generatedAt
    rooms {{ total active archived }}
    participants {{ people models }}
    ai_usage: aiUsage {{
        window_days: windowDays since requests_30d: requests
        prompt_tokens_30d: promptTokens completion_tokens_30d: completionTokens
        cost_micros_30d: costMicros by_model: byModel {{ {_MODEL_USAGE} }} }}
    storage {{ bytes objects by_kind: byKind {{ kind objects bytes }} }}
"""

ROUTES = [
    Route(
        "GET",
        "/stats",
        f"""query ($tenantId: ID) {{
            collaborationStats(tenantId: $tenantId) {{ {STATS} }} }}""",
        "collaborationStats",
        no_variables,
        headers=IN_TENANT,
        summary="Tenant statistics: rooms, participants, AI usage (30 days), storage",
    ),
]
