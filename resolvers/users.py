"""Users: reads, relations and writes within the caller's tenants."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select

from db.models import GroupMember, User
from gateway.principals import Principal
from resolvers import access
from resolvers.loaders.relations import Relation
from resolvers.relations_sql import live_children

KIND = "User"
_TABLE = User.__table__
_MEMBERS = GroupMember.__table__


def _users_by_tenant_id(parent_ids: Sequence[str], principal: Principal) -> Select[Any]:
    return live_children(
        _TABLE,
        _TABLE.c.tenant_id,
        _TABLE.c.tenant_id.in_(parent_ids),
        access.visible_tenant_ids(principal, User.tenant_id),
    )


def _members_by_group_id(parent_ids: Sequence[str], principal: Principal) -> Select[Any]:
    return live_children(
        _TABLE,
        _MEMBERS.c.group_id,
        _MEMBERS.c.group_id.in_(parent_ids),
        access.visible_tenant_ids(principal, User.tenant_id),
    ).join(_MEMBERS, _MEMBERS.c.user_id == _TABLE.c.id)


USERS_BY_TENANT_ID = Relation("UsersByTenantId", _users_by_tenant_id)
MEMBERS_BY_GROUP_ID = Relation("MembersByGroupId", _members_by_group_id)
