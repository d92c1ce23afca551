"""The `tenantId` argument of the ScaiWave fields: the tenant the call acts on."""

from __future__ import annotations

from typing import Annotated

import strawberry

TENANT_ARGUMENT_DESCRIPTION = (
    "The tenant to act on: required for super admins, partner admins and platform tokens; "
    "a tenant admin's own tenant when absent. On REST: the X-Scai-Tenant header."
)

TenantArgument = Annotated[
    strawberry.ID | None, strawberry.argument(description=TENANT_ARGUMENT_DESCRIPTION)
]
