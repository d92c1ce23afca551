"""`/v1/admin/plugins`: the plugin registry with the tenant's state; turning plugins on/off."""

from __future__ import annotations

from rest_compat.documents import selection
from rest_compat.table import IN_TENANT, Route, Shape, no_variables, path_ids

PLUGIN = selection("id name description enabled updated_at")


def _plugin_action(field: str, verb: str) -> Route:
    return Route(
        "POST",
        f"/plugins/{{plugin_id}}/{verb}",
        f"""mutation ($tenantId: ID, $pluginId: ID!) {{
            {field}(tenantId: $tenantId, pluginId: $pluginId) {{ {PLUGIN} }} }}""",
        field,
        path_ids(plugin_id="pluginId"),
        headers=IN_TENANT,
        summary=f"{verb.capitalize()} a plugin for the tenant (idempotent)",
    )


ROUTES = [
    Route(
        "GET",
        "/plugins",
        f"""query ($tenantId: ID, $first: Int, $after: String) {{
            plugins(tenantId: $tenantId, first: $first, after: $after) {{
                nodes {{ {PLUGIN} }} pageInfo {{ hasNextPage endCursor }} }} }}""",
        "plugins",
        no_variables,
        shape=Shape.DATA,
        headers=IN_TENANT,
        summary="Plugins, with the tenant's state",
    ),
    _plugin_action("enablePlugin", "enable"),
    _plugin_action("disablePlugin", "disable"),
]
