"""`/api/v1/admin/applications`.

`POST` answers 201 with the application, as every create answers its resource, plus one
top-level `client_secret` that only this response carries: the secret is shown once, and no
`GET` ever returns it. `client_secret` is null for public clients (SPA, NATIVE).
"""

from __future__ import annotations

from resolvers import resources
from rest_compat.documents import selection
from rest_compat.table import Route, Shape, body_input, no_variables, path_ids

APPLICATION = selection(
    "id tenant_id level app_type name description enabled client_id has_client_secret"
    " allowed_scopes redirect_uris allowed_origins token_lifetime token_exchange_allowed"
    " created_at updated_at"
)

ROUTES = [
    Route(
        "GET",
        "/applications",
        f"""query ($first: Int, $after: String, $search: String,
                   $orderBy: [ApplicationOrderBy!], $tenantId: ID, $level: ApplicationLevel) {{
            applications(first: $first, after: $after, search: $search, orderBy: $orderBy,
                tenantId: $tenantId, level: $level) {{
                totalCount nodes {{ {APPLICATION} }} }} }}""",
        "applications",
        no_variables,
        shape=Shape.PAGE,
        listing=resources.APPLICATION,
        filters={"tenant_id": "tenantId", "level": "level"},
        summary="List applications (global ones and those of the caller's tenants)",
    ),
    Route(
        "POST",
        "/applications",
        f"""mutation ($input: CreateApplicationInput!) {{
            createApplication(input: $input) {{
                application {{ {APPLICATION} }} client_secret: clientSecret }} }}""",
        "createApplication",
        body_input(),
        status=201,
        body_input="CreateApplicationInput",
        resource_key="application",
        summary="Create an application (a confidential client's secret is shown once)",
    ),
    Route(
        "GET",
        "/applications/{id}",
        f"query ($id: ID!) {{ application(id: $id) {{ {APPLICATION} }} }}",
        "application",
        path_ids(id="id"),
        summary="Get an application",
    ),
    Route(
        "PATCH",
        "/applications/{id}",
        f"""mutation ($id: ID!, $input: UpdateApplicationInput!) {{
            updateApplication(id: $id, input: $input) {{ {APPLICATION} }} }}""",
        "updateApplication",
        body_input(path={"id": "id"}),
        body_input="UpdateApplicationInput",
        summary="Update an application (partial)",
    ),
    Route(
        "DELETE",
        "/applications/{id}",
        "mutation ($id: ID!) { deleteApplication(id: $id) { id } }",
        "deleteApplication",
        path_ids(id="id"),
        shape=Shape.NO_CONTENT,
        summary="Soft-delete an application",
    ),
]
