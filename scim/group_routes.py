"""`/Groups` over `resolvers.groups` (`scim.resource_routes` serves them); every write,
members included, is one transaction of the group resolvers (validation, scoping, audit
events)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import Request
from scim2_models import Group

from resolvers import groups as group_resolvers
from resolvers.context import RequestContext
from scim import groups
from scim.group_patch import read_patch
from scim.handlers import Route
from scim.requests import wants
from scim.resource_routes import Endpoint, Precondition, add_resource_routes


async def documents(
    request: Request, context: RequestContext, base: str, rows: Sequence[Any]
) -> list[Group]:
    """Members are read (in one go) only when the answer holds them."""
    if not wants(request, "members"):
        return [groups.to_scim(row, base, None) for row in rows]
    members = await groups.members_of(context, [row.id for row in rows])
    return [groups.to_scim(row, base, members.get(row.id, [])) for row in rows]


async def create(context: RequestContext, tenant_id: str, group: Group) -> Any:
    fields = {**groups.fields_of(group), "tenant_id": tenant_id}
    members = groups.member_ids(group.members)
    return await group_resolvers.create(context, fields, members=members)


async def replace(
    context: RequestContext, current: Any, group: Group, precondition: Precondition
) -> Any:
    return await group_resolvers.update(
        context,
        current.id,
        groups.changed(groups.fields_of(group), current),
        members=groups.replacement(group),
        precondition=precondition,
    )


async def patch(
    context: RequestContext, current: Any, body: Any, base: str, precondition: Precondition
) -> Any:
    operations = read_patch(body, current.id)
    return await group_resolvers.update(
        context,
        current.id,
        groups.changed(operations.fields, current),
        members=operations.members(),
        precondition=precondition,
    )


ENDPOINT = Endpoint(
    scim=groups.GROUPS,
    documents=documents,
    create=create,
    replace=replace,
    patch=patch,
    delete=group_resolvers.delete,
)


def add_group_routes(route: Route) -> None:
    add_resource_routes(route, ENDPOINT)
