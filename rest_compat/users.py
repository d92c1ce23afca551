"""`/api/v1/admin/users`."""

from __future__ import annotations

from resolvers import resources
from rest_compat.documents import selection
from rest_compat.table import Route, Shape, body_input, no_variables, path_ids

USER = selection(
    "id tenant_id email display_name first_name last_name status email_verified mfa_enabled"
    " must_change_password password_changed_at custom_attributes admin_role created_at"
    " updated_at"
)

ROUTES = [
    Route(
        "GET",
        "/users",
        f"""query ($first: Int, $after: String, $search: String,
                   $orderBy: [UserOrderBy!], $tenantId: ID, $status: UserStatus) {{
            users(first: $first, after: $after, search: $search, orderBy: $orderBy,
                tenantId: $tenantId, status: $status) {{
                totalCount nodes {{ {USER} }} }} }}""",
        "users",
        no_variables,
        shape=Shape.PAGE,
        listing=resources.USER,
        filters={"tenant_id": "tenantId", "status": "status"},
        summary="List users",
    ),
    Route(
        "POST",
        "/users",
        f"""mutation ($input: CreateUserInput!) {{
            createUser(input: $input) {{ {USER} }} }}""",
        "createUser",
        body_input(),
        status=201,
        body_input="CreateUserInput",
        summary="Create a user",
    ),
    Route(
        "GET",
        "/users/{id}",
        f"query ($id: ID!) {{ user(id: $id) {{ {USER} }} }}",
        "user",
        path_ids(id="id"),
        summary="Get a user",
    ),
    Route(
        "PATCH",
        "/users/{id}",
        f"""mutation ($id: ID!, $input: UpdateUserInput!) {{
            updateUser(id: $id, input: $input) {{ {USER} }} }}""",
        "updateUser",
        body_input(path={"id": "id"}),
        body_input="UpdateUserInput",
        summary="Update a user (partial; never the password)",
    ),
    Route(
        "DELETE",
        "/users/{id}",
        "mutation ($id: ID!) { deleteUser(id: $id) { id } }",
        "deleteUser",
        path_ids(id="id"),
        shape=Shape.NO_CONTENT,
        summary="Soft-delete a user",
    ),
    Route(
        "POST",
        "/users/{id}/reset-password",
        f"""mutation ($id: ID!, $input: ResetPasswordInput) {{
            resetUserPassword(id: $id, input: $input) {{
                user {{ {USER} }} temporary_password: temporaryPassword }} }}""",
        "resetUserPassword",
        body_input(path={"id": "id"}),
        body_input="ResetPasswordInput",
        summary="Set a password, or generate a temporary one (returned once)",
    ),
    Route(
        "POST",
        "/users/{id}/mfa/disable",
        f"mutation ($id: ID!) {{ disableUserMfa(id: $id) {{ {USER} }} }}",
        "disableUserMfa",
        path_ids(id="id"),
        summary="Disable a user's MFA",
    ),
]
