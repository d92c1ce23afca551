"""`/api/v1/admin/agents`: MCP agent identities."""

from __future__ import annotations

from resolvers import resources
from rest_compat.documents import selection
from rest_compat.table import Route, Shape, body_input, no_variables, path_ids

AGENT = selection(
    "id tenant_id name description enabled allowed_tools allowed_scopes rate_limit_rpm"
    " created_at updated_at"
)

ROUTES = [
    Route(
        "GET",
        "/agents",
        f"""query ($first: Int, $after: String, $search: String,
                   $orderBy: [AgentOrderBy!], $tenantId: ID) {{
            agents(first: $first, after: $after, search: $search, orderBy: $orderBy,
                tenantId: $tenantId) {{
                totalCount nodes {{ {AGENT} }} }} }}""",
        "agents",
        no_variables,
        shape=Shape.PAGE,
        listing=resources.AGENT,
        filters={"tenant_id": "tenantId"},
        summary="List MCP agents of the caller's tenants",
    ),
    Route(
        "POST",
        "/agents",
        f"""mutation ($input: CreateAgentInput!) {{
            createAgent(input: $input) {{ {AGENT} }} }}""",
        "createAgent",
        body_input(),
        status=201,
        body_input="CreateAgentInput",
        summary="Create an MCP agent (only scopes the caller holds can be granted)",
    ),
    Route(
        "GET",
        "/agents/{id}",
        f"query ($id: ID!) {{ agent(id: $id) {{ {AGENT} }} }}",
        "agent",
        path_ids(id="id"),
        summary="Get an MCP agent",
    ),
    Route(
        "PATCH",
        "/agents/{id}",
        f"""mutation ($id: ID!, $input: UpdateAgentInput!) {{
            updateAgent(id: $id, input: $input) {{ {AGENT} }} }}""",
        "updateAgent",
        body_input(path={"id": "id"}),
        body_input="UpdateAgentInput",
        summary="Update an MCP agent (partial)",
    ),
    Route(
        "DELETE",
        "/agents/{id}",
        "mutation ($id: ID!) { deleteAgent(id: $id) { id } }",
        "deleteAgent",
        path_ids(id="id"),
        shape=Shape.NO_CONTENT,
        summary="Soft-delete an MCP agent",
    ),
]
