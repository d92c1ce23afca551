"""`/v1/admin/tenants` and `/v1/admin/partners`: the partner fleet, ScaiWave's rules.

A partner admin lists, reads and updates (name and contact e-mail) its own partner and
creates tenants under it; a super admin does all of that for any partner and creates
partners. Tenant admins and platform tokens are refused (403). The rules are in
`resolvers.managed_partners`; `PUT` changes the fields given.
"""

from __future__ import annotations

from rest_compat.partners import PARTNER
from rest_compat.table import Route, Shape, body_input, no_variables, path_ids
from rest_compat.tenants import TENANT

ROUTES = [
    Route(
        "POST",
        "/tenants",
        f"""mutation ($input: CreatePartnerTenantInput!) {{
            createPartnerTenant(input: $input) {{ {TENANT} }} }}""",
        "createPartnerTenant",
        body_input(),
        status=201,
        body_input="CreatePartnerTenantInput",
        summary="Create a tenant under the caller's partner (a super admin names it)",
    ),
    Route(
        "GET",
        "/partners",
        f"""query ($first: Int, $after: String) {{
            managedPartners(first: $first, after: $after) {{
                nodes {{ {PARTNER} }} pageInfo {{ hasNextPage endCursor }} }} }}""",
        "managedPartners",
        no_variables,
        shape=Shape.DATA,
        summary="List the partners the caller manages (a partner admin: its own)",
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
        summary="Create a partner (super admins only)",
    ),
    Route(
        "GET",
        "/partners/{partner_id}",
        f"query ($id: ID!) {{ managedPartner(id: $id) {{ {PARTNER} }} }}",
        "managedPartner",
        path_ids(partner_id="id"),
        summary="Get a partner the caller manages",
    ),
    Route(
        "PUT",
        "/partners/{partner_id}",
        f"""mutation ($id: ID!, $input: UpdatePartnerInput!) {{
            updateManagedPartner(id: $id, input: $input) {{ {PARTNER} }} }}""",
        "updateManagedPartner",
        body_input(path={"partner_id": "id"}),
        body_input="UpdatePartnerInput",
        summary="Update a partner (a partner admin: name and contact_email of its own)",
    ),
]
