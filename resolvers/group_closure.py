"""Transitive group membership with recursive CTEs: a group's effective members, a user's
effective groups. `UNION` (not `UNION ALL`) keeps the recursion finite on any graph."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select

from core.principals import Principal
from db.models import Group, GroupMember, GroupNesting, User
from resolvers import resources
from resolvers.loaders.relations import Relation

_GROUPS = Group.__table__
_USERS = User.__table__
_MEMBERS = GroupMember.__table__
_NESTING = GroupNesting.__table__


def descendants(group_ids: Sequence[str]) -> Any:
    """CTE (root, group_id): every live group nested under each root, the root included."""
    seed = select(_GROUPS.c.id.label("root"), _GROUPS.c.id.label("group_id")).where(
        _GROUPS.c.id.in_(group_ids), _GROUPS.c.deleted_at.is_(None)
    )
    closure = seed.cte("descendants", recursive=True)
    step = (
        select(closure.c.root, _NESTING.c.child_group_id)
        .join(_NESTING, _NESTING.c.parent_group_id == closure.c.group_id)
        .join(_GROUPS, _GROUPS.c.id == _NESTING.c.child_group_id)
        .where(_GROUPS.c.deleted_at.is_(None))
    )
    return closure.union(step)


def ancestors_of_users(user_ids: Sequence[str]) -> Any:
    """CTE (root, group_id): every live group each user belongs to, directly or nested."""
    seed = (
        select(_MEMBERS.c.user_id.label("root"), _MEMBERS.c.group_id.label("group_id"))
        .join(_GROUPS, _GROUPS.c.id == _MEMBERS.c.group_id)
        .where(_MEMBERS.c.user_id.in_(user_ids), _GROUPS.c.deleted_at.is_(None))
    )
    closure = seed.cte("ancestors", recursive=True)
    step = (
        select(closure.c.root, _NESTING.c.parent_group_id)
        .join(_NESTING, _NESTING.c.child_group_id == closure.c.group_id)
        .join(_GROUPS, _GROUPS.c.id == _NESTING.c.parent_group_id)
        .where(_GROUPS.c.deleted_at.is_(None))
    )
    return closure.union(step)


def ancestors_of_group(group_id: str) -> Any:
    """CTE (group_id): the group and every group it is nested in."""
    seed = select(_GROUPS.c.id.label("group_id")).where(_GROUPS.c.id == group_id)
    closure = seed.cte("group_ancestors", recursive=True)
    step = select(_NESTING.c.parent_group_id).join(
        closure, _NESTING.c.child_group_id == closure.c.group_id
    )
    return closure.union(step)


def _effective_members(parent_ids: Sequence[str], principal: Principal) -> Select[Any]:
    closure = descendants(parent_ids)
    return (
        select(_USERS, closure.c.root.label("parent_key"))
        .join(_MEMBERS, _MEMBERS.c.user_id == _USERS.c.id)
        .join(closure, closure.c.group_id == _MEMBERS.c.group_id)
        .where(_USERS.c.deleted_at.is_(None), resources.USER.visible(principal))
        .distinct()
    )


def _effective_groups(parent_ids: Sequence[str], principal: Principal) -> Select[Any]:
    closure = ancestors_of_users(parent_ids)
    return (
        select(_GROUPS, closure.c.root.label("parent_key"))
        .join(closure, closure.c.group_id == _GROUPS.c.id)
        .where(resources.GROUP.visible(principal))
        .distinct()
    )


EFFECTIVE_MEMBERS_BY_GROUP_ID = Relation("EffectiveMembersByGroupId", _effective_members)
EFFECTIVE_GROUPS_BY_USER_ID = Relation("EffectiveGroupsByUserId", _effective_groups)
