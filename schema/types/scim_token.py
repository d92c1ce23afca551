"""The ScimToken type: a tenant's SCIM provisioning token (`stk_…`), never its secret."""

from __future__ import annotations

from datetime import datetime

import strawberry


@strawberry.type(
    description="A long-lived bearer token for one tenant's SCIM endpoint "
    "(`/scim/v2/{tenantId}`). Its secret is shown once, when it is created."
)
class ScimToken:
    id: strawberry.ID
    tenant_id: strawberry.ID
    name: str
    hint: str = strawberry.field(description="The secret's first characters, to tell tokens apart.")
    created_by: str | None = strawberry.field(description="Who created it (a user or client id).")
    created_at: datetime
    last_used_at: datetime | None = strawberry.field(
        description="Its last use, to the minute (the audit log holds every use)."
    )
    revoked_at: datetime | None

    @strawberry.field(description="Not revoked: the SCIM endpoint accepts it.")
    def active(self) -> bool:
        return self.revoked_at is None


@strawberry.type
class CreatedScimToken:
    scim_token: ScimToken
    secret: str = strawberry.field(
        description="The bearer secret, shown in this answer only: only its hash is kept."
    )
