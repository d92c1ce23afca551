"""`/api/v1/admin/identity-providers`: list, create, patch, delete (the spec has no GET one).

`POST` answers 201 with the provider. The OIDC client secret is accepted in `POST` and
`PATCH` bodies and never returned: responses carry `has_client_secret`.
"""

from __future__ import annotations

from resolvers import resources
from rest_compat.documents import selection
from rest_compat.table import Route, Shape, body_input, no_variables, path_ids

IDENTITY_PROVIDER = selection(
    "id tenant_id protocol name enabled issuer client_id has_client_secret scopes"
    " discovery_url entity_id sso_url metadata_url x509_certificate certificate_fingerprint"
    " certificate_expires_at attribute_mapping created_at updated_at"
)

ROUTES = [
    Route(
        "GET",
        "/identity-providers",
        f"""query ($first: Int, $after: String, $search: String,
                   $orderBy: [IdentityProviderOrderBy!], $tenantId: ID,
                   $protocol: IdentityProviderProtocol) {{
            identityProviders(first: $first, after: $after, search: $search, orderBy: $orderBy,
                tenantId: $tenantId,
                              protocol: $protocol) {{
                totalCount nodes {{ {IDENTITY_PROVIDER} }} }} }}""",
        "identityProviders",
        no_variables,
        shape=Shape.PAGE,
        listing=resources.IDENTITY_PROVIDER,
        filters={"tenant_id": "tenantId", "protocol": "protocol"},
        summary="List identity providers of the caller's tenants",
    ),
    Route(
        "POST",
        "/identity-providers",
        f"""mutation ($input: CreateIdentityProviderInput!) {{
            createIdentityProvider(input: $input) {{ {IDENTITY_PROVIDER} }} }}""",
        "createIdentityProvider",
        body_input(),
        status=201,
        body_input="CreateIdentityProviderInput",
        summary="Create an OIDC or SAML identity provider",
    ),
    Route(
        "PATCH",
        "/identity-providers/{id}",
        f"""mutation ($id: ID!, $input: UpdateIdentityProviderInput!) {{
            updateIdentityProvider(id: $id, input: $input) {{ {IDENTITY_PROVIDER} }} }}""",
        "updateIdentityProvider",
        body_input(path={"id": "id"}),
        body_input="UpdateIdentityProviderInput",
        summary="Update an identity provider (partial; protocol and tenant are fixed)",
    ),
    Route(
        "DELETE",
        "/identity-providers/{id}",
        "mutation ($id: ID!) { deleteIdentityProvider(id: $id) { id } }",
        "deleteIdentityProvider",
        path_ids(id="id"),
        shape=Shape.NO_CONTENT,
        summary="Soft-delete an identity provider",
    ),
]
