"""Matrix operations: prompt studio, note processing, stats, audit, tenants, partners.

The tenant-context reads alias `tenantId` as `id`, so a READ_ONE row checks that the answer
is about tenant T. The audit row is SCOPED_READ: the matrix clears the audit log before each
call, so there is no target event to find; who sees which events is tested in
`tests/collaboration_admin/test_audit.py`.
"""

from __future__ import annotations

from typing import Any

from tests.security import targets as setups
from tests.security.operations import (
    GraphQLCall,
    Operation,
    RestCall,
    _create,
    _id_and_input,
    _input,
    _new_partner,
    _update,
    unique,
)
from tests.security.policies import Policy
from tests.security.principals import World
from tests.security.targets import Sessions, Targets

W = "/v1/admin"


async def partner_p(sessions: Sessions, world: World) -> Targets:
    return {"id": world.partner.id, "partner": world.partner.id}


def _in_tenant(targets: Targets) -> dict[str, str]:
    return {"X-Scai-Tenant": targets["id"]}


def _tenant_read(field: str) -> GraphQLCall:
    return GraphQLCall(
        f"query ($t: ID) {{ {field}(tenantId: $t) {{ id: tenantId }} }}",
        field,
        lambda t: {"t": t["id"]},
    )


def _tenant_write(field: str, input_type: str, body: dict[str, Any]) -> GraphQLCall:
    return GraphQLCall(
        f"mutation ($t: ID, $input: {input_type}!) {{ "
        f"{field}(tenantId: $t, input: $input) {{ id: tenantId }} }}",
        field,
        lambda t: {"t": t["id"], **_input(lambda _: body)(t)},
    )


def _new_partner_tenant(targets: Targets) -> dict[str, Any]:
    n = unique()
    return {"partner_id": targets["partner"], "name": f"Fleet {n}", "slug": f"fleet-{n}"}


OPERATIONS: list[Operation] = [
    # --- tenant settings and statistics (the tenant in context is T)
    Operation(
        "collaborationStats",
        Policy.READ_ONE,
        setups.tenant_t,
        _tenant_read("collaborationStats"),
        RestCall("GET", lambda t: f"{W}/stats", headers=_in_tenant),
    ),
    Operation(
        "promptStudio",
        Policy.READ_ONE,
        setups.tenant_t,
        _tenant_read("promptStudio"),
        RestCall("GET", lambda t: f"{W}/prompt-studio", headers=_in_tenant),
    ),
    Operation(
        "updatePromptStudio",
        Policy.TENANT_WRITE,
        setups.tenant_t,
        _tenant_write("updatePromptStudio", "UpdatePromptStudioInput", {"enabled": True}),
        RestCall(
            "PUT", lambda t: f"{W}/prompt-studio", lambda t: {"enabled": True}, headers=_in_tenant
        ),
    ),
    Operation(
        "noteProcessing",
        Policy.READ_ONE,
        setups.tenant_t,
        _tenant_read("noteProcessing"),
        RestCall("GET", lambda t: f"{W}/note-processing", headers=_in_tenant),
    ),
    Operation(
        "updateNoteProcessing",
        Policy.TENANT_WRITE,
        setups.tenant_t,
        _tenant_write("updateNoteProcessing", "UpdateNoteProcessingInput", {"retention_days": 30}),
        RestCall(
            "PUT",
            lambda t: f"{W}/note-processing",
            lambda t: {"retention_days": 30},
            headers=_in_tenant,
        ),
    ),
    # --- the audit log, narrowed to T
    Operation(
        "auditEvents(tenant)",
        Policy.SCOPED_READ,
        setups.tenant_t,
        GraphQLCall(
            "query ($t: ID) { auditEvents(first: 1, filter: {tenantId: {eq: $t}}) { totalCount } }",
            "auditEvents",
            lambda t: {"t": t["id"]},
        ),
        RestCall("GET", lambda t: f"{W}/audit?limit=1", headers=_in_tenant),
    ),
    # --- partners and new tenants (partner P)
    Operation(
        "updateManagedPartner",
        Policy.PARTNER_FLEET_ONE,
        partner_p,
        GraphQLCall(
            _update("updateManagedPartner", "UpdatePartnerInput"),
            "updateManagedPartner",
            _id_and_input({"contact_email": "fleet@example.com"}),
        ),
        RestCall(
            "PUT",
            lambda t: f"{W}/partners/{t['id']}",
            lambda t: {"contact_email": "fleet@example.com"},
        ),
    ),
    Operation(
        "createPartnerTenant",
        Policy.PARTNER_FLEET_ONE,
        partner_p,
        GraphQLCall(
            _create("createPartnerTenant", "CreatePartnerTenantInput"),
            "createPartnerTenant",
            _input(_new_partner_tenant),
        ),
        RestCall("POST", lambda t: f"{W}/tenants", _new_partner_tenant),
    ),
    Operation(
        "createPartner(ScaiWave)",
        Policy.SUPER_ADMIN_ONLY,
        setups.world_targets,
        GraphQLCall(
            _create("createPartner", "CreatePartnerInput"), "createPartner", _input(_new_partner)
        ),
        RestCall("POST", lambda t: f"{W}/partners", _new_partner),
    ),
]
