"""A group's direct members written in batches, inside the caller's transaction: users added
or removed, groups nested or unnested, each kind in one statement whatever the count.

Members are named by id; the id's prefix says whether it is a user (`usr_…`) or a group it
nests (`grp_…`). Every member added must be a live row of the group's tenant that the caller
sees; nesting keeps the graph acyclic. Each kind of change is one audit event naming every id
it touched (`group.add_member` with `user_ids`, `group.nest` with `child_group_ids`, …).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import utcnow
from db.ids import IdPrefix, prefix_of
from db.models import Group, GroupMember, GroupNesting, User
from resolvers import audit, resources
from resolvers.context import RequestContext
from resolvers.errors import BadInput
from resolvers.group_closure import descendants

_SHOWN = 5  # ids named in an error, at most


@dataclass(frozen=True)
class MemberChanges:
    """What happens to a group's direct members in one write."""

    add: Sequence[str] = ()
    remove: Sequence[str] = ()
    replace: bool = False  # the direct members become exactly `add`

    def nests(self) -> bool:
        return any(prefix_of(member) is IdPrefix.GROUP for member in self.add)


def touch(group: Group) -> None:
    """Marks the group changed, in the transaction of the change: a change of its members is
    a change of the group (its SCIM `meta.lastModified` and `version`, the ETag, follow)."""
    group.updated_at = utcnow()


def _named(ids: Iterable[str]) -> str:
    listed = sorted(ids)
    more = f" and {len(listed) - _SHOWN} more" if len(listed) > _SHOWN else ""
    return ", ".join(listed[:_SHOWN]) + more


def _split(ids: Sequence[str], *, strict: bool) -> tuple[list[str], list[str]]:
    """Users and groups, each once, in the order given; an id of neither kind is refused when
    adding (`strict`) and matches nothing when removing."""
    users: dict[str, None] = {}
    groups: dict[str, None] = {}
    unknown = []
    for member in ids:
        kind = prefix_of(member) if isinstance(member, str) else None
        if kind is IdPrefix.USER:
            users[member] = None
        elif kind is IdPrefix.GROUP:
            groups[member] = None
        else:
            unknown.append(str(member))
    if strict and unknown:
        raise BadInput("members", f"not a user or group id: {_named(unknown)}")
    return list(users), list(groups)


async def write_members(
    session: AsyncSession, context: RequestContext, group: Group, changes: MemberChanges
) -> bool:
    """Applies `changes` to `group` (locked by the caller); whether anything changed."""
    add_users, add_groups = _split(changes.add, strict=True)
    remove_users, remove_groups = _split(changes.remove, strict=False)
    users = await _write_users(session, context, group, add_users, remove_users, changes.replace)
    groups = await _write_children(
        session, context, group, add_groups, remove_groups, changes.replace
    )
    return users or groups


async def _write_users(
    session: AsyncSession,
    context: RequestContext,
    group: Group,
    add: list[str],
    remove: list[str],
    replace: bool,
) -> bool:
    if add:
        statement = (
            select(User.id)
            .where(
                User.id.in_(add),
                User.deleted_at.is_(None),
                User.tenant_id == group.tenant_id,
                resources.USER.visible(context.actor),
            )
            .with_for_update(read=True)  # not deleted while it joins
        )
        found = set((await session.execute(statement)).scalars())
        missing = set(add) - found
        if missing:
            raise BadInput("members", f"no such user in the group's tenant: {_named(missing)}")
    current_query = select(GroupMember.user_id).where(GroupMember.group_id == group.id)
    if not replace:
        current_query = current_query.where(GroupMember.user_id.in_([*add, *remove]))
    current = set((await session.execute(current_query)).scalars())
    wanted = set(add)
    added = [user_id for user_id in add if user_id not in current]
    gone = current - wanted if replace else current & (set(remove) - wanted)
    removed = sorted(gone)
    if removed:
        await session.execute(
            delete(GroupMember).where(
                GroupMember.group_id == group.id, GroupMember.user_id.in_(removed)
            )
        )
        await audit.record_row(
            session, context, "group.remove_member", group, metadata={"user_ids": removed}
        )
    if added:
        await session.execute(
            insert(GroupMember), [{"group_id": group.id, "user_id": u} for u in added]
        )
        await audit.record_row(
            session, context, "group.add_member", group, metadata={"user_ids": added}
        )
    return bool(added or removed)


async def _write_children(
    session: AsyncSession,
    context: RequestContext,
    group: Group,
    add: list[str],
    remove: list[str],
    replace: bool,
) -> bool:
    if group.id in add:
        raise BadInput("members", "would create a cycle: a group cannot contain itself")
    current_query = select(GroupNesting.child_group_id).where(
        GroupNesting.parent_group_id == group.id
    )
    if not replace:
        current_query = current_query.where(GroupNesting.child_group_id.in_([*add, *remove]))
    current = set((await session.execute(current_query)).scalars())
    added = [child for child in add if child not in current]
    if added:
        await _check_children(session, context, group, added)
    wanted = set(add)
    gone = current - wanted if replace else current & (set(remove) - wanted)
    removed = sorted(gone)
    if removed:
        await session.execute(
            delete(GroupNesting).where(
                GroupNesting.parent_group_id == group.id,
                GroupNesting.child_group_id.in_(removed),
            )
        )
        await audit.record_row(
            session, context, "group.unnest", group, metadata={"child_group_ids": removed}
        )
    if added:
        await session.execute(
            insert(GroupNesting),
            [{"parent_group_id": group.id, "child_group_id": child} for child in added],
        )
        await audit.record_row(
            session, context, "group.nest", group, metadata={"child_group_ids": added}
        )
    return bool(added or removed)


async def _check_children(
    session: AsyncSession, context: RequestContext, group: Group, children: list[str]
) -> None:
    """Each new child is a live group of the same tenant, and none already contains `group`."""
    statement = select(Group.id).where(
        Group.id.in_(children),
        Group.deleted_at.is_(None),
        Group.tenant_id == group.tenant_id,
        resources.GROUP.visible(context.actor),
    )
    found = set((await session.execute(statement)).scalars())
    missing = set(children) - found
    if missing:
        raise BadInput("members", f"no such group in the group's tenant: {_named(missing)}")
    closure: Any = descendants(children)
    cycles = select(closure.c.root).where(closure.c.group_id == group.id)
    looping = set((await session.execute(cycles)).scalars())
    if looping:
        raise BadInput(
            "members", f"would create a cycle: {_named(looping)} already contains {group.id}"
        )
