"""Groups: reads, relations and writes (members, nesting) within the caller's tenants."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select

from db.models import Group, GroupMember, GroupNesting
from gateway.principals import Principal
from resolvers import access
from resolvers.loaders.relations import Relation
from resolvers.relations_sql import live_children

KIND = "Group"
_TABLE = Group.__table__
_MEMBERS = GroupMember.__table__
_NESTING = GroupNesting.__table__


def _groups_by_tenant_id(parent_ids: Sequence[str], principal: Principal) -> Select[Any]:
    return live_children(
        _TABLE,
        _TABLE.c.tenant_id,
        _TABLE.c.tenant_id.in_(parent_ids),
        access.visible_tenant_ids(principal, Group.tenant_id),
    )


def _groups_by_user_id(parent_ids: Sequence[str], principal: Principal) -> Select[Any]:
    return live_children(
        _TABLE,
        _MEMBERS.c.user_id,
        _MEMBERS.c.user_id.in_(parent_ids),
        access.visible_tenant_ids(principal, Group.tenant_id),
    ).join(_MEMBERS, _MEMBERS.c.group_id == _TABLE.c.id)


def _children_by_group_id(parent_ids: Sequence[str], principal: Principal) -> Select[Any]:
    return live_children(
        _TABLE,
        _NESTING.c.parent_group_id,
        _NESTING.c.parent_group_id.in_(parent_ids),
        access.visible_tenant_ids(principal, Group.tenant_id),
    ).join(_NESTING, _NESTING.c.child_group_id == _TABLE.c.id)


def _parents_by_group_id(parent_ids: Sequence[str], principal: Principal) -> Select[Any]:
    return live_children(
        _TABLE,
        _NESTING.c.child_group_id,
        _NESTING.c.child_group_id.in_(parent_ids),
        access.visible_tenant_ids(principal, Group.tenant_id),
    ).join(_NESTING, _NESTING.c.parent_group_id == _TABLE.c.id)


GROUPS_BY_TENANT_ID = Relation("GroupsByTenantId", _groups_by_tenant_id)
GROUPS_BY_USER_ID = Relation("GroupsByUserId", _groups_by_user_id)
CHILDREN_BY_GROUP_ID = Relation("ChildrenByGroupId", _children_by_group_id)
PARENTS_BY_GROUP_ID = Relation("ParentsByGroupId", _parents_by_group_id)
