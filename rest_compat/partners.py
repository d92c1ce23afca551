"""`/api/v1/admin/partners` (super admins only; the schema's directives decide)."""

from __future__ import annotations

from resolvers import resources
from rest_compat.documents import selection
from rest_compat.table import Route, Shape, body_input, no_variables, path_ids

PARTNER = selection(
    "id name slug status contact_email max_tenants max_users_per_tenant"
    " max_applications_per_tenant created_at updated_at"
)

ROUTES = [
    Route(
        "GET",
        "/partners",
        f"""query ($first: Int, $after: String, $search: String,
                   $orderBy: [PartnerOrderBy!], $status: PartnerStatus) {{
            partners(first: $first, after: $after, search: $search, orderBy: $orderBy,
                status: $status) {{
                totalCount nodes {{ {PARTNER} }} }} }}""",
        "partners",
        no_variables,
        shape=Shape.PAGE,
        listing=resources.PARTNER,
        filters={"status": "status"},
        summary="List partners",
    ),
    Route(
        "POST",
        "/partners",
        f"""mutation ($input: CreatePartnerInput!) {{
            createPartner(input: $input) {{ {PARTNER} }} }}""",
        "createPartner",
        body_input(),
        status=201,
        body_input="CreatePartnerInput",
        summary="Create a partner",
    ),
    Route(
        "GET",
        "/partners/{id}",
        f"query ($id: ID!) {{ partner(id: $id) {{ {PARTNER} }} }}",
        "partner",
        path_ids(id="id"),
        summary="Get a partner",
    ),
    Route(
        "PATCH",
        "/partners/{id}",
        f"""mutation ($id: ID!, $input: UpdatePartnerInput!) {{
            updatePartner(id: $id, input: $input) {{ {PARTNER} }} }}""",
        "updatePartner",
        body_input(path={"id": "id"}),
        body_input="UpdatePartnerInput",
        summary="Update a partner (partial)",
    ),
    Route(
        "DELETE",
        "/partners/{id}",
        "mutation ($id: ID!) { deletePartner(id: $id) { id } }",
        "deletePartner",
        path_ids(id="id"),
        shape=Shape.NO_CONTENT,
        summary="Soft-delete a partner, its tenants and everything they own",
    ),
]
