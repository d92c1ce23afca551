"""Group queries and mutations: groups, their direct members and group-in-group nesting."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from resolvers import groups, resources
from schema.connection import connection_from_keyset
from schema.context import request_context
from schema.directives import reads, writes
from schema.inputs import provided_fields
from schema.prefetch import prefetched
from schema.selection import page_relay
from schema.types import connections
from schema.types.deleted import DeletedNode
from schema.types.filters import filter_type, listing, order_type, search_description
from schema.types.group import Group


@strawberry.input(description="`tenantId` may be left out by a tenant admin: its own tenant.")
class CreateGroupInput:
    name: str
    tenant_id: strawberry.ID | None = strawberry.UNSET
    description: str | None = strawberry.UNSET


@strawberry.input(description="Only the fields given are changed.")
class UpdateGroupInput:
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET


@strawberry.input
class AddGroupMemberInput:
    user_id: strawberry.ID


@strawberry.input
class NestGroupInput:
    child_group_id: strawberry.ID


if TYPE_CHECKING:
    GroupFilter = Any
    GroupOrderBy = Any
else:
    GroupFilter = filter_type(resources.GROUP)
    GroupOrderBy = order_type(resources.GROUP)
GROUP_SEARCH = search_description(resources.GROUP)


@strawberry.type
class GroupQuery:
    @strawberry.field(extensions=reads(), description="Groups the caller may see.")
    async def groups(
        self,
        info: strawberry.Info,
        first: int | None = None,
        after: str | None = None,
        tenant_id: strawberry.ID | None = None,
        filter: GroupFilter | None = None,
        order_by: list[GroupOrderBy] | None = None,
        search: Annotated[str | None, strawberry.argument(description=GROUP_SEARCH)] = None,
        last: int | None = None,
        before: str | None = None,
    ) -> connections.GroupConnection:
        page = await groups.list_(
            request_context(info),
            page_relay(info, first, after, last, before),
            listing(filter, order_by, search),
            tenant_id=tenant_id,
        )
        return await prefetched(info, connection_from_keyset(page))

    @strawberry.field(extensions=reads())
    async def group(self, info: strawberry.Info, id: strawberry.ID) -> Group | None:
        row: Any = await groups.get(request_context(info), id)
        return row


@strawberry.type
class GroupMutation:
    @strawberry.mutation(extensions=writes(audit="group.create"))
    async def create_group(self, info: strawberry.Info, input: CreateGroupInput) -> Group:
        row: Any = await groups.create(request_context(info), provided_fields(input))
        return row

    @strawberry.mutation(extensions=writes(audit="group.update"))
    async def update_group(
        self, info: strawberry.Info, id: strawberry.ID, input: UpdateGroupInput
    ) -> Group:
        row: Any = await groups.update(request_context(info), id, provided_fields(input))
        return row

    @strawberry.mutation(extensions=writes(audit="group.delete"))
    async def delete_group(self, info: strawberry.Info, id: strawberry.ID) -> DeletedNode:
        row = await groups.delete(request_context(info), id)
        assert row.deleted_at is not None
        return DeletedNode(id=strawberry.ID(row.id), deleted_at=row.deleted_at)

    @strawberry.mutation(extensions=writes(audit="group.add_member"), description="Idempotent.")
    async def add_group_member(
        self, info: strawberry.Info, group_id: strawberry.ID, input: AddGroupMemberInput
    ) -> Group:
        row: Any = await groups.add_member(request_context(info), group_id, input.user_id)
        return row

    @strawberry.mutation(extensions=writes(audit="group.remove_member"))
    async def remove_group_member(
        self, info: strawberry.Info, group_id: strawberry.ID, user_id: strawberry.ID
    ) -> Group:
        row: Any = await groups.remove_member(request_context(info), group_id, user_id)
        return row

    @strawberry.mutation(
        extensions=writes(audit="group.nest"),
        description="Idempotent; refuses nestings that would form a cycle.",
    )
    async def nest_group(
        self, info: strawberry.Info, group_id: strawberry.ID, input: NestGroupInput
    ) -> Group:
        row: Any = await groups.nest(request_context(info), group_id, input.child_group_id)
        return row

    @strawberry.mutation(extensions=writes(audit="group.unnest"))
    async def unnest_group(
        self, info: strawberry.Info, group_id: strawberry.ID, child_group_id: strawberry.ID
    ) -> Group:
        row: Any = await groups.unnest(request_context(info), group_id, child_group_id)
        return row
