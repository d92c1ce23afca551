"""To-one relation fields: the related row, read as the descriptor's relation says.

    tenant = to_one_field(resources.USER, "tenant", Annotated["Tenant", lazy(...)] | None)

The relation (`Resource.relations`, `many=False`) names the parent row's column holding the
target's id; the field resolves to the target row the caller may see (the target's
`visible()` scope, live rows only) through the request's `by_id` loader, or null when the
column is null or the row is not visible. The field carries its relation in its metadata
(`TO_ONE`), which is how the planner knows it may read the same rows itself.
"""

from __future__ import annotations

from typing import Any

import strawberry

from resolvers import resources
from resolvers.resources import Resource
from schema.context import request_context

TO_ONE = "scaigate.to_one"
"""The metadata key under which a Strawberry field declares its to-one `ResourceRelation`."""


def to_one_field(parent: Resource, name: str, type_: Any, *, description: str | None = None) -> Any:
    """The field `name` of `parent`'s type: its relation's target row, or null."""
    relation = parent.relation(name)
    if relation.many or relation.closure or relation.link is not None:
        raise ValueError(f"{parent.name}.{name} is not a to-one relation")
    if relation.target_key != "id":
        raise ValueError(f"{parent.name}.{name} must join on the target's id")
    target = resources.BY_NAME[relation.target]
    parent_key = relation.parent_key

    async def resolve(root: strawberry.Parent[Any], info: strawberry.Info) -> Any:
        key = getattr(root, parent_key)
        if key is None:
            return None
        return await request_context(info).loaders.by_id(target).load(key)

    return strawberry.field(
        resolver=resolve, graphql_type=type_, description=description, metadata={TO_ONE: relation}
    )
