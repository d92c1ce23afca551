"""The User type."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from db.ids import IdPrefix
from resolvers import resources
from resolvers.group_closure import EFFECTIVE_GROUPS_BY_USER_ID
from resolvers.groups import GROUPS_BY_USER_ID
from schema.context import request_context
from schema.scalars import JSON
from schema.types import connections
from schema.types.enums import AdminRole as UserAdminRole
from schema.types.enums import UserStatus
from schema.types.node import Node, is_row_of
from schema.types.relation import relation_field

if TYPE_CHECKING:
    from schema.types.tenant import Tenant


@strawberry.type(description="A person in a tenant. Passwords are never readable.")
class User(Node):
    tenant_id: strawberry.ID
    email: str
    display_name: str | None
    first_name: str | None
    last_name: str | None
    status: UserStatus
    email_verified: bool
    mfa_enabled: bool
    must_change_password: bool
    password_changed_at: datetime | None
    custom_attributes: JSON
    admin_role: UserAdminRole | None = strawberry.field(
        description="The user's admin role; null: not an admin (cannot sign in)."
    )
    created_at: datetime
    updated_at: datetime

    is_type_of = is_row_of(IdPrefix.USER)

    @strawberry.field
    async def tenant(
        self, info: strawberry.Info
    ) -> Annotated[Tenant, strawberry.lazy("schema.types.tenant")] | None:
        return await request_context(info).loaders.by_id(resources.TENANT).load(self.tenant_id)

    groups = relation_field(
        GROUPS_BY_USER_ID,
        connections.GroupConnection,
        description="Groups the user is a direct member of.",
    )
    effective_groups = relation_field(
        EFFECTIVE_GROUPS_BY_USER_ID,
        connections.GroupConnection,
        description="Every group the user belongs to, directly or through nesting.",
    )
