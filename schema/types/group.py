"""The Group type."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from db.ids import IdPrefix
from resolvers import resources
from resolvers.group_closure import EFFECTIVE_MEMBERS_BY_GROUP_ID
from resolvers.groups import CHILDREN_BY_GROUP_ID, PARENTS_BY_GROUP_ID
from resolvers.users import MEMBERS_BY_GROUP_ID
from schema.types import connections
from schema.types.node import Node, is_row_of
from schema.types.relation import relation_field
from schema.types.to_one import to_one_field

if TYPE_CHECKING:
    from schema.types.tenant import Tenant


@strawberry.type(description="A group of users in a tenant; groups can contain groups.")
class Group(Node):
    tenant_id: strawberry.ID
    name: str
    description: str | None
    external_id: str | None = strawberry.field(
        description="A provisioning client's id for the group (SCIM `externalId`), unique in "
        "its tenant."
    )
    created_at: datetime
    updated_at: datetime

    is_type_of = is_row_of(IdPrefix.GROUP)

    tenant = to_one_field(
        resources.GROUP,
        "tenant",
        Annotated["Tenant", strawberry.lazy("schema.types.tenant")] | None,
    )

    members = relation_field(
        MEMBERS_BY_GROUP_ID,
        connections.UserConnection,
        description="Users directly in this group.",
    )
    effective_members = relation_field(
        EFFECTIVE_MEMBERS_BY_GROUP_ID,
        connections.UserConnection,
        description="Users in this group or in any group nested under it.",
    )
    children = relation_field(
        CHILDREN_BY_GROUP_ID,
        connections.GroupConnection,
        description="Groups nested directly in this group.",
    )
    parents = relation_field(
        PARENTS_BY_GROUP_ID,
        connections.GroupConnection,
        description="Groups this group is nested in directly.",
    )
