"""SCIM Groups ↔ the tenant's groups, read and written through `resolvers.groups`.

`displayName` is the group's name, `externalId` its own column, `members` its direct members:
users (`type` `User`) and the groups nested in it (`type` `Group`), each with `$ref`. A
member's id says its kind (`usr_…`, `grp_…`), so `type` on input is not needed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scim2_models import Group, GroupMember
from sqlalchemy import select

from db.models import Group as GroupRow
from db.models import GroupMember as GroupMemberRow
from db.models import GroupNesting, User
from resolvers import resources
from resolvers.context import RequestContext
from resolvers.group_members import MemberChanges
from scim.errors import ScimError
from scim.filters import (
    COMMON_ATTRIBUTES,
    ID_OPERATORS,
    TEXT_OPERATORS,
    Attribute,
    Schema,
    sub_compiler,
)
from scim.resources import ScimResource

GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
MAX_MEMBERS = 10_000  # members named in one request, at most (`tooMany` beyond)

_MEMBER_VALUES = Schema(
    attributes={"value": Attribute("id", nullable=False, operators=ID_OPERATORS)}, multi={}
)


def _members(node: Any) -> dict[str, Any]:
    """`members[value eq "…"]`: a member is a user in the group or a group nested in it."""
    condition = sub_compiler(_MEMBER_VALUES)(node)
    return {"or": [{"members": {"some": condition}}, {"children": {"some": condition}}]}


FILTER_SCHEMA = Schema(
    attributes={
        **COMMON_ATTRIBUTES,
        "displayname": Attribute("name", nullable=False, operators=TEXT_OPERATORS),
        "members.value": Attribute(
            "members",
            nullable=False,
            value=lambda v: _members_eq(v),
            operators=frozenset({"eq"}),
        ),
    },
    multi={"members": _members},
    uris=frozenset({GROUP_SCHEMA}),
)


def _members_eq(value: Any) -> dict[str, Any]:
    condition = {"id": {"eq": value}}
    return {"or": [{"members": {"some": condition}}, {"children": {"some": condition}}]}


GROUPS = ScimResource(
    name="Group",
    endpoint="/Groups",
    schema=GROUP_SCHEMA,
    model=Group,
    resource=resources.GROUP,
    filter_schema=FILTER_SCHEMA,
    sort_fields={
        "id": "ID",
        "displayname": "NAME",
        "meta.created": "CREATED_AT",
        "meta.lastmodified": "UPDATED_AT",
    },
)

Member = tuple[str, str, str | None]  # id, `User` or `Group`, display


async def members_of(context: RequestContext, group_ids: Sequence[str]) -> dict[str, list[Member]]:
    """The live direct members the caller sees of each group: users, then nested groups."""
    if not group_ids:
        return {}
    users = (
        select(GroupMemberRow.group_id, User.id, User.display_name, User.email)
        .join(User, User.id == GroupMemberRow.user_id)
        .where(
            GroupMemberRow.group_id.in_(list(group_ids)),
            User.deleted_at.is_(None),
            resources.USER.visible(context.actor),
        )
        .order_by(GroupMemberRow.group_id, User.id)
    )
    children = (
        select(GroupNesting.parent_group_id, GroupRow.id, GroupRow.name)
        .join(GroupRow, GroupRow.id == GroupNesting.child_group_id)
        .where(
            GroupNesting.parent_group_id.in_(list(group_ids)),
            GroupRow.deleted_at.is_(None),
            resources.GROUP.visible(context.actor),
        )
        .order_by(GroupNesting.parent_group_id, GroupRow.id)
    )
    found: dict[str, list[Member]] = {}
    async with context.read() as session:
        for group_id, user_id, display_name, email in (await session.execute(users)).all():
            found.setdefault(group_id, []).append((user_id, "User", display_name or email))
        for group_id, child_id, name in (await session.execute(children)).all():
            found.setdefault(group_id, []).append((child_id, "Group", name))
    return found


def to_scim(row: Any, base: str, members: Sequence[Member] | None) -> Group:
    """`members` None: not read (left out of the answer)."""
    return Group(
        id=row.id,
        external_id=row.external_id,
        display_name=row.name,
        members=None
        if members is None
        else [
            GroupMember.model_validate(
                {
                    "value": member_id,
                    "type": kind,
                    "display": display,
                    "$ref": f"{base}/{kind}s/{member_id}",
                }
            )
            for member_id, kind, display in members
        ],
        meta=GROUPS.meta(row, base),
    )


def member_ids(members: Sequence[Any] | None) -> list[str]:
    """The ids of a document's members (`[{"value": …}]`), refused when one has none."""
    ids = []
    for index, member in enumerate(members or ()):
        value = member.get("value") if isinstance(member, dict) else getattr(member, "value", None)
        if not isinstance(value, str) or not value:
            raise ScimError(400, f"members[{index}]: a member needs a value", "invalidValue")
        ids.append(value)
    if len(ids) > MAX_MEMBERS:
        raise ScimError(400, f"More than {MAX_MEMBERS} members in one request", "tooMany")
    return ids


def fields_of(group: Group) -> dict[str, Any]:
    """The group's fields as a whole SCIM document gives them."""
    return {"name": group.display_name, "external_id": group.external_id}


def changed(fields: dict[str, Any], current: Any) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if getattr(current, name) != value}


def replacement(group: Group) -> MemberChanges:
    return MemberChanges(add=member_ids(group.members), replace=True)
