"""Groups: reads, relations and writes (members, nesting) within the caller's tenants."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, Delete, select
from sqlalchemy import delete as delete_rows
from sqlalchemy.ext.asyncio import AsyncSession

from core.principals import Principal
from db.base import utcnow
from db.ids import IdPrefix, new_id
from db.models import Group, GroupMember, GroupNesting, Tenant, User
from resolvers import access, audit, resources, validation
from resolvers.context import RequestContext
from resolvers.declared_relations import declared
from resolvers.errors import BadInput, NotFound
from resolvers.group_closure import descendants
from resolvers.group_members import MemberChanges, touch, write_members
from resolvers.listing import Listing, Page, Relay, list_page
from resolvers.tenant_limits import owning_tenant_id
from resolvers.uniqueness import LiveUnique
from resolvers.writes import apply_patch, load_for_update

KIND = "Group"
_TABLE = Group.__table__
_MEMBERS = GroupMember.__table__
_NESTING = GroupNesting.__table__


GROUPS_BY_TENANT_ID = declared(resources.TENANT, "groups")
GROUPS_BY_USER_ID = declared(resources.USER, "groups")
CHILDREN_BY_GROUP_ID = declared(resources.GROUP, "children")
PARENTS_BY_GROUP_ID = declared(resources.GROUP, "parents")


async def get(context: RequestContext, group_id: str) -> Any:
    row = await context.loaders.by_id(resources.GROUP).load(group_id)
    if row is None:
        raise NotFound.resource(KIND, group_id)
    return row


async def list_(
    context: RequestContext,
    relay: Relay,
    listing: Listing = Listing(),
    *,
    tenant_id: str | None = None,
) -> Page:
    conditions = [] if tenant_id is None else [_TABLE.c.tenant_id == tenant_id]
    return await list_page(context, resources.GROUP, listing, relay, *conditions)


_VALIDATORS = {
    "name": lambda v: validation.required_text("name", v, max_length=200),
    "description": lambda v: validation.text("description", v, max_length=1000, required=False),
    "external_id": lambda v: validation.text("external_id", v, max_length=200, required=False),
}

# Checks the locked row before a write changes it (a SCIM `If-Match`): raising aborts the write.
Precondition = Callable[[Any], None]


NAME = LiveUnique(
    Group,
    "name",
    lambda name: f"A group named '{name}' already exists in this tenant",
    within="tenant_id",
)
EXTERNAL_ID = LiveUnique(
    Group,
    "external_id",
    lambda value: f"A group with externalId '{value}' already exists in this tenant",
    within="tenant_id",
)


def _scope(principal: Principal) -> ColumnElement[bool]:
    return resources.GROUP.visible(principal)


async def _load(session: AsyncSession, principal: Principal, group_id: str) -> Group:
    return await load_for_update(session, Group, group_id, _scope(principal), kind=KIND)


async def create(
    context: RequestContext, fields: dict[str, Any], members: Sequence[str] = ()
) -> Group:
    """A group, with its first direct `members` (user ids, and group ids it nests) written in
    the same transaction."""
    principal = context.actor
    tenant_id = owning_tenant_id(principal, fields.pop("tenant_id", None))
    group = Group(id=new_id(IdPrefix.GROUP))
    apply_patch(group, fields, _VALIDATORS)
    if not group.name:
        raise BadInput("name", "is required")
    with NAME.violations(group.name), EXTERNAL_ID.violations(group.external_id):
        async with context.transaction() as session:
            tenant = await load_for_update(
                session, Tenant, tenant_id, access.visible_tenants(principal), kind="Tenant"
            )
            await NAME.ensure_free(session, group.name, within=tenant.id)
            if group.external_id is not None:
                await EXTERNAL_ID.ensure_free(session, group.external_id, within=tenant.id)
            group.tenant_id = tenant.id
            session.add(group)
            await audit.record_row(session, context, "group.create", group, metadata=fields)
            if members:
                await session.flush()
                await write_members(session, context, group, MemberChanges(add=tuple(members)))
    return group


async def update(
    context: RequestContext,
    group_id: str,
    changes: dict[str, Any],
    *,
    members: MemberChanges | None = None,
    precondition: Precondition | None = None,
) -> Group:
    """Changes the group's fields and, in the same transaction, its direct `members`."""
    name = validation.text("name", changes.get("name"), max_length=200, required=False)
    external_id = changes.get("external_id")
    with NAME.violations(name), EXTERNAL_ID.violations(external_id):
        async with context.transaction() as session:
            if members is not None and members.nests():
                # nesting reads the graph and then writes it: the tenant lock first (see nest)
                tenant_id = await _tenant_of(session, context.actor, group_id)
                await load_for_update(
                    session,
                    Tenant,
                    tenant_id,
                    access.visible_tenants(context.actor),
                    kind="Tenant",
                )
            group = await _load(session, context.actor, group_id)
            if precondition is not None:
                precondition(group)
            apply_patch(group, changes, _VALIDATORS)
            if "name" in changes:
                await NAME.ensure_free(
                    session, group.name, within=group.tenant_id, except_id=group.id
                )
            if group.external_id is not None and "external_id" in changes:
                await EXTERNAL_ID.ensure_free(
                    session, group.external_id, within=group.tenant_id, except_id=group.id
                )
            written = members is not None and await write_members(session, context, group, members)
            if changes or written or members is None:
                touch(group)
            if changes or members is None:
                await audit.record_row(session, context, "group.update", group, metadata=changes)
    return group


async def delete(
    context: RequestContext, group_id: str, *, precondition: Precondition | None = None
) -> Group:
    """Soft delete; membership and nesting rows stay, and every relation skips deleted groups."""
    async with context.transaction() as session:
        group = await _load(session, context.actor, group_id)
        if precondition is not None:
            precondition(group)
        group.deleted_at = utcnow()
        await audit.record_row(session, context, "group.delete", group)
    return group


async def add_member(context: RequestContext, group_id: str, user_id: str) -> Group:
    """Idempotent: adding a direct member again changes nothing."""
    principal = context.actor
    async with context.transaction() as session:
        group = await _load(session, principal, group_id)
        user = await load_for_update(
            session,
            User,
            user_id,
            resources.USER.visible(principal),
            kind="User",
        )
        if user.tenant_id != group.tenant_id:
            raise BadInput("user_id", "must belong to the group's tenant")
        added = await session.get(GroupMember, (group.id, user.id)) is None
        if added:
            session.add(GroupMember(group_id=group.id, user_id=user.id))
            touch(group)
        await audit.record_row(
            session,
            context,
            "group.add_member",
            group,
            metadata={"user_id": user.id, "added": added},
        )
    return group


async def remove_member(context: RequestContext, group_id: str, user_id: str) -> Group:
    async with context.transaction() as session:
        group = await _load(session, context.actor, group_id)
        removed = await _delete_rows(
            session,
            delete_rows(GroupMember).where(
                GroupMember.group_id == group.id, GroupMember.user_id == user_id
            ),
        )
        if not removed:
            raise NotFound(
                f"User {user_id} is not a member of group {group.id}", resource_id=user_id
            )
        touch(group)
        await audit.record_row(
            session, context, "group.remove_member", group, metadata={"user_id": user_id}
        )
    return group


async def nest(context: RequestContext, group_id: str, child_group_id: str) -> Group:
    """Puts `child_group_id` inside `group_id`; idempotent, and the nesting graph stays acyclic.

    The cycle check reads the graph and then writes an edge, so nesting changes in a tenant
    take the tenant row lock first: two concurrent nestings cannot each pass the check and
    together close a loop.
    """
    principal = context.actor
    if child_group_id == group_id:
        raise BadInput("child_group_id", "would create a cycle: a group cannot contain itself")
    async with context.transaction() as session:
        tenant_id = await _tenant_of(session, principal, group_id)
        await load_for_update(
            session, Tenant, tenant_id, access.visible_tenants(principal), kind="Tenant"
        )
        group = await _load(session, principal, group_id)
        child = await _load(session, principal, child_group_id)
        if child.tenant_id != group.tenant_id:
            raise BadInput("child_group_id", "must belong to the same tenant")
        added = await session.get(GroupNesting, (group.id, child.id)) is None
        if added:
            if await _contains(session, child.id, group.id):
                raise BadInput(
                    "child_group_id",
                    f"would create a cycle: {child.id} already contains {group.id}",
                )
            session.add(GroupNesting(parent_group_id=group.id, child_group_id=child.id))
            touch(group)
        await audit.record_row(
            session,
            context,
            "group.nest",
            group,
            metadata={"child_group_id": child.id, "added": added},
        )
    return group


async def unnest(context: RequestContext, group_id: str, child_group_id: str) -> Group:
    async with context.transaction() as session:
        group = await _load(session, context.actor, group_id)
        removed = await _delete_rows(
            session,
            delete_rows(GroupNesting).where(
                GroupNesting.parent_group_id == group.id,
                GroupNesting.child_group_id == child_group_id,
            ),
        )
        if not removed:
            raise NotFound(
                f"Group {child_group_id} is not nested in group {group.id}",
                resource_id=child_group_id,
            )
        touch(group)
        await audit.record_row(
            session, context, "group.unnest", group, metadata={"child_group_id": child_group_id}
        )
    return group


async def _tenant_of(session: AsyncSession, principal: Principal, group_id: str) -> str:
    statement = select(Group.tenant_id).where(
        Group.id == group_id, Group.deleted_at.is_(None), _scope(principal)
    )
    tenant_id = (await session.execute(statement)).scalar_one_or_none()
    if tenant_id is None:
        raise NotFound.resource(KIND, group_id)
    return tenant_id


async def _contains(session: AsyncSession, outer_id: str, inner_id: str) -> bool:
    """Whether `inner_id` is `outer_id` or nested under it through live groups."""
    closure = descendants([outer_id])
    statement = select(closure.c.group_id).where(closure.c.group_id == inner_id).limit(1)
    return (await session.execute(statement)).first() is not None


async def _delete_rows(session: AsyncSession, statement: Delete) -> int:
    result = await session.execute(statement)
    return int(cast("CursorResult[Any]", result).rowcount)
