"""The AuditEvent type: one row of the append-only audit log, exactly as it was recorded."""

from __future__ import annotations

from datetime import datetime

import strawberry

from db.ids import IdPrefix
from schema.scalars import JSON
from schema.types.node import Node, is_row_of


@strawberry.type(
    description="One admin write or authentication event. Read-only: no API changes or "
    "removes an event. `partnerId` and `tenantId` are the scope it was filed under when "
    "written; the objects it names may have changed or gone since."
)
class AuditEvent(Node):
    created_at: datetime
    actor_id: str | None = strawberry.field(
        description="The user or platform client that acted; null without an accepted token."
    )
    actor_type: str = strawberry.field(description="`user`, `service`, `scim` or `anonymous`.")
    actor_role: str | None = strawberry.field(
        description="The actor's role: `super_admin`, `partner_admin`, `tenant_admin` or "
        "`platform`."
    )
    partner_id: strawberry.ID | None
    tenant_id: strawberry.ID | None
    action: str = strawberry.field(description="What happened, e.g. `user.create`.")
    resource_type: str | None
    resource_id: str | None
    result: str = strawberry.field(description="`success`, `failure` or `denied`.")
    metadata: JSON = strawberry.field(
        description="Details of the event; values of secret-named keys are redacted."
    )
    ip: str | None
    user_agent: str | None
    request_id: str | None

    is_type_of = is_row_of(IdPrefix.AUDIT)
