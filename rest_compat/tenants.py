"""`/api/v1/admin/tenants`."""

from __future__ import annotations

from resolvers import resources
from rest_compat.documents import selection
from rest_compat.table import Route, Shape, body_input, no_variables, path_ids

TENANT = selection(
    "id partner_id name slug status contact_email settings branding created_at updated_at"
)

ROUTES = [
    Route(
        "GET",
        "/tenants",
        f"""query ($first: Int, $after: String, $search: String,
                   $orderBy: [TenantOrderBy!], $partnerId: ID, $status: TenantStatus) {{
            tenants(first: $first, after: $after, search: $search, orderBy: $orderBy,
                partnerId: $partnerId, status: $status) {{
                totalCount nodes {{ {TENANT} }} }} }}""",
        "tenants",
        no_variables,
        shape=Shape.PAGE,
        listing=resources.TENANT,
        filters={"partner_id": "partnerId", "status": "status"},
        summary="List tenants",
    ),
    Route(
        "POST",
        "/tenants",
        f"""mutation ($input: CreateTenantInput!) {{
            createTenant(input: $input) {{ {TENANT} }} }}""",
        "createTenant",
        body_input(),
        status=201,
        body_input="CreateTenantInput",
        summary="Create a tenant",
    ),
    Route(
        "GET",
        "/tenants/{id}",
        f"query ($id: ID!) {{ tenant(id: $id) {{ {TENANT} }} }}",
        "tenant",
        path_ids(id="id"),
        summary="Get a tenant",
    ),
    Route(
        "PATCH",
        "/tenants/{id}",
        f"""mutation ($id: ID!, $input: UpdateTenantInput!) {{
            updateTenant(id: $id, input: $input) {{ {TENANT} }} }}""",
        "updateTenant",
        body_input(path={"id": "id"}),
        body_input="UpdateTenantInput",
        summary="Update a tenant (partial)",
    ),
    Route(
        "DELETE",
        "/tenants/{id}",
        "mutation ($id: ID!) { deleteTenant(id: $id) { id } }",
        "deleteTenant",
        path_ids(id="id"),
        shape=Shape.NO_CONTENT,
        summary="Soft-delete a tenant and everything it owns",
    ),
]
