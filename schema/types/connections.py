"""The connection of each described resource: a Relay connection with `countBy`.

`countBy(field: <Type>GroupField!)` counts the rows `totalCount` counts (the caller's scope,
the filter and the search) by one groupable field of the resource, in SQL
(`resolvers.listing.grouping`); on a relation connection every parent of a level is counted
in one statement. Root lists and relation fields share one connection type per node type,
so `UserConnection` is the same type wherever it appears.
"""

import functools
import types
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from resolvers import resources
from resolvers.errors import BadInput
from resolvers.listing.grouping import group_names
from resolvers.resources import Resource
from schema.connection import Connection


def group_type(resource: Resource) -> Any:
    """`<Type>GroupField`: the fields `countBy` may count `resource`'s rows by."""
    return _group_type(resource.name)


@functools.cache
def _group_type(name: str) -> Any:
    resource = resources.BY_NAME[name]
    names = group_names(resource)
    enum = Enum(f"{resource.graphql_type}GroupField", {name: name for name in names})  # type: ignore[misc]
    return strawberry.enum(enum, description="CREATED_DAY: the UTC day of createdAt.")


@strawberry.type(description="How many rows hold one value of the field counted by.")
class GroupCount:
    key: str | None = strawberry.field(
        description="The value as text (an enum as its name, a day as YYYY-MM-DD); null for "
        "rows without one."
    )
    count: int


def _counted(resource: Resource, module: str) -> Any:
    node = Annotated[resource.graphql_type, strawberry.lazy(module)]  # type: ignore[name-defined]
    group_field = group_type(resource)

    async def count_by(self: Connection[Any], field: Any) -> list[GroupCount]:
        if self._group is None:
            raise BadInput("countBy", "is not offered on this list")
        counted = await self._group(resource, field)
        return [GroupCount(key=item.key, count=item.count) for item in counted]

    count_by.__annotations__ = {"field": group_field, "return": list[GroupCount]}
    namespace = {
        "count_by": strawberry.field(
            resolver=count_by,
            description="The rows counted by one field, over what filter and search keep "
            "(not just this page).",
        )
    }
    cls = types.new_class(
        f"{resource.graphql_type}Connection",
        (Connection[node],),
        exec_body=lambda body: body.update(namespace),
    )
    return strawberry.type(cls, name=cls.__name__)


if TYPE_CHECKING:
    UserConnection = Connection[Any]
    GroupConnection = Connection[Any]
    TenantConnection = Connection[Any]
    PartnerConnection = Connection[Any]
    ApplicationConnection = Connection[Any]
    AgentConnection = Connection[Any]
    IdentityProviderConnection = Connection[Any]
    SessionConnection = Connection[Any]
    AuditEventConnection = Connection[Any]
else:
    UserConnection = _counted(resources.USER, "schema.types.user")
    GroupConnection = _counted(resources.GROUP, "schema.types.group")
    TenantConnection = _counted(resources.TENANT, "schema.types.tenant")
    PartnerConnection = _counted(resources.PARTNER, "schema.types.partner")
    ApplicationConnection = _counted(resources.APPLICATION, "schema.types.application")
    AgentConnection = _counted(resources.AGENT, "schema.types.agent")
    IdentityProviderConnection = _counted(
        resources.IDENTITY_PROVIDER, "schema.types.identity_provider"
    )
    SessionConnection = _counted(resources.SSO_SESSION, "schema.types.session")
    AuditEventConnection = _counted(resources.AUDIT_EVENT, "schema.types.audit_event")
