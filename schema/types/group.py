"""The Group type."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from db.ids import IdPrefix
from resolvers.group_closure import EFFECTIVE_MEMBERS_BY_GROUP_ID
from resolvers.groups import CHILDREN_BY_GROUP_ID, PARENTS_BY_GROUP_ID
from resolvers.users import MEMBERS_BY_GROUP_ID
from schema.context import request_context
from schema.types.connection import Connection, connection_from_relation
from schema.types.node import Node, is_row_of

if TYPE_CHECKING:
    from schema.types.tenant import Tenant
    from schema.types.user import User


@strawberry.type(description="A group of users in a tenant; groups can contain groups.")
class Group(Node):
    tenant_id: strawberry.ID
    name: str
    description: str | None
    created_at: datetime
    updated_at: datetime

    is_type_of = is_row_of(IdPrefix.GROUP)

    @strawberry.field
    async def tenant(
        self, info: strawberry.Info
    ) -> Annotated[Tenant, strawberry.lazy("schema.types.tenant")] | None:
        return await request_context(info).loaders.tenant_by_id.load(self.tenant_id)

    @strawberry.field(description="Users directly in this group.")
    async def members(
        self, info: strawberry.Info, first: int | None = None, after: str | None = None
    ) -> Connection[Annotated[User, strawberry.lazy("schema.types.user")]]:
        return await connection_from_relation(info, MEMBERS_BY_GROUP_ID, self.id, first, after)

    @strawberry.field(description="Users in this group or in any group nested under it.")
    async def effective_members(
        self, info: strawberry.Info, first: int | None = None, after: str | None = None
    ) -> Connection[Annotated[User, strawberry.lazy("schema.types.user")]]:
        return await connection_from_relation(
            info, EFFECTIVE_MEMBERS_BY_GROUP_ID, self.id, first, after
        )

    @strawberry.field(description="Groups nested directly in this group.")
    async def children(
        self, info: strawberry.Info, first: int | None = None, after: str | None = None
    ) -> Connection[Group]:
        return await connection_from_relation(info, CHILDREN_BY_GROUP_ID, self.id, first, after)

    @strawberry.field(description="Groups this group is nested in directly.")
    async def parents(
        self, info: strawberry.Info, first: int | None = None, after: str | None = None
    ) -> Connection[Group]:
        return await connection_from_relation(info, PARENTS_BY_GROUP_ID, self.id, first, after)
