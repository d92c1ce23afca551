"""The Session type: an admin user's SSO session (`ses_…`)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from db.ids import IdPrefix
from resolvers import resources, sessions
from schema.types.enums import AdminRole as UserAdminRole
from schema.types.node import Node, is_row_of
from schema.types.to_one import to_one_field

if TYPE_CHECKING:
    from schema.types.tenant import Tenant
    from schema.types.user import User


@strawberry.type(
    description="A sign-in of an admin user. Its tokens are accepted while it is active; "
    "revoking it refuses them on the next request."
)
class Session(Node):
    user_id: strawberry.ID
    tenant_id: strawberry.ID
    partner_id: strawberry.ID = strawberry.field(description="The tenant's partner at sign-in.")
    admin_role: UserAdminRole = strawberry.field(description="The user's role at sign-in.")
    ip: str | None
    user_agent: str | None
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    revoked_reason: str | None = strawberry.field(
        description="Why it ended early: revoked_by_admin, signed_out, user_disabled, "
        "user_locked, user_deleted, admin_role_changed or password_reset."
    )

    is_type_of = is_row_of(IdPrefix.SESSION)

    @strawberry.field(description="Neither revoked nor expired.")
    def active(self, root: strawberry.Parent[Any]) -> bool:
        return sessions.is_active(root)

    user = to_one_field(
        resources.SSO_SESSION,
        "user",
        Annotated["User", strawberry.lazy("schema.types.user")] | None,
        description="The signed-in user (null once it is deleted).",
    )

    tenant = to_one_field(
        resources.SSO_SESSION,
        "tenant",
        Annotated["Tenant", strawberry.lazy("schema.types.tenant")] | None,
    )
