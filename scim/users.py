"""SCIM Users ↔ the tenant's users, read and written through `resolvers.users`.

`userName` is the e-mail (one e-mail, reported as the primary `work` one), `name` the first
and last names, `active` the status (false: `disabled`, which ends the user's sessions),
`externalId` its own column, the enterprise extension a key of `custom_attributes`, `groups`
the groups it is directly in (read-only).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scim2_models import (
    Context,
    Email,
    EnterpriseUser,
    GroupMembership,
    Name,
    User,
)
from sqlalchemy import JSON, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from db.enums import UserStatus
from db.models import Group, GroupMember
from resolvers import resources, validation
from resolvers import users as user_resolvers
from resolvers.context import RequestContext
from resolvers.errors import BadInput
from scim.errors import ScimError
from scim.filters import (
    COMMON_ATTRIBUTES,
    ID_OPERATORS,
    TEXT_OPERATORS,
    Attribute,
    Schema,
    lowercase,
    sub_compiler,
)
from scim.resources import ScimResource

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
ENTERPRISE_KEY = "scim_enterprise"  # where custom_attributes keeps the enterprise extension
ScimUser = User[EnterpriseUser]


def _active(value: Any) -> dict[str, Any]:
    if isinstance(value, str) and value.lower() in ("true", "false"):
        value = value.lower() == "true"  # Entra writes booleans as strings
    if not isinstance(value, bool):
        raise ScimError(400, "active compares with true or false", "invalidFilter")
    operator = "eq" if value else "ne"
    return {"status": {operator: UserStatus.ACTIVE.name}}


def _constant(wanted: str) -> Any:
    """An attribute that always holds `wanted` (our one e-mail is the primary work one)."""

    def value(operand: Any) -> dict[str, Any]:
        same = str(operand).lower() == wanted
        return {"and": []} if same else {"or": []}

    return value


def is_email(value: str) -> bool:
    """Whether `value` is an address the gateway takes as a user's e-mail."""
    try:
        validation.email("userName", value)
    except BadInput:
        return False
    return True


def _user_name(operator: str, operand: Any) -> dict[str, Any]:
    """userName is `user_name` where set, else the e-mail. `user_name` never holds an
    e-mail address and `email` always does, so an equality names one column: a look-up
    by an e-mail is one probe of the e-mail index, as before userName could be another."""
    by_email = {"and": [{"userName": {"isNull": True}}, {"email": {operator: operand}}]}
    if operator == "eq" and isinstance(operand, str):
        return by_email if is_email(operand) else {"userName": {"eq": operand}}
    by_name = {"and": [{"userName": {"isNull": False}}, {"userName": {operator: operand}}]}
    return {"or": [by_name, by_email]}  # `ne` alone would take a null for a difference


_EMAIL = Attribute("email", nullable=False, value=lowercase, operators=TEXT_OPERATORS)
_USER_NAME = Attribute(
    "userName", nullable=False, value=lowercase, operators=TEXT_OPERATORS, compare=_user_name
)
_EMAIL_VALUES = Schema(
    attributes={
        "value": _EMAIL,
        "type": Attribute("email", nullable=False, value=_constant("work"), operators=ID_OPERATORS),
        "primary": Attribute(
            "email", nullable=False, value=_constant("true"), operators=ID_OPERATORS
        ),
    },
    multi={},
)
_GROUP_VALUES = Schema(
    attributes={
        "value": Attribute("id", nullable=False, operators=ID_OPERATORS),
        "display": Attribute("name", nullable=False, operators=TEXT_OPERATORS),
    },
    multi={},
)


def _groups(node: Any) -> dict[str, Any]:
    return {"groups": {"some": sub_compiler(_GROUP_VALUES)(node)}}


FILTER_SCHEMA = Schema(
    attributes={
        **COMMON_ATTRIBUTES,
        "username": _USER_NAME,
        "emails": _EMAIL,
        "emails.value": _EMAIL,
        "emails.type": _EMAIL_VALUES.attributes["type"],
        "emails.primary": _EMAIL_VALUES.attributes["primary"],
        "displayname": Attribute("displayName", operators=TEXT_OPERATORS),
        "name.givenname": Attribute("firstName", operators=TEXT_OPERATORS),
        "name.familyname": Attribute("lastName", operators=TEXT_OPERATORS),
        "active": Attribute("status", nullable=False, value=_active, operators=ID_OPERATORS),
        "groups.value": Attribute(
            "groups",
            nullable=False,
            value=lambda v: {"groups": {"some": {"id": {"eq": v}}}},
            operators=frozenset({"eq"}),
        ),
    },
    multi={"emails": sub_compiler(_EMAIL_VALUES), "groups": _groups},
    uris=frozenset({USER_SCHEMA}),
)
SORT_FIELDS = {
    "id": "ID",
    "username": "EMAIL",
    "emails": "EMAIL",
    "emails.value": "EMAIL",
    "displayname": "DISPLAY_NAME",
    "name.givenname": "FIRST_NAME",
    "name.familyname": "LAST_NAME",
    "meta.created": "CREATED_AT",
    "meta.lastmodified": "UPDATED_AT",
}


GROUPS_COLUMN = "scim_groups"  # the label of the user's groups read beside its row


class _json_pairs(FunctionElement[Any]):
    """The JSON array of `[a, b]` pairs of the rows an aggregate subquery reads."""

    type = JSON()
    inherit_cache = True


@compiles(_json_pairs, "postgresql")
def _json_pairs_postgresql(element: _json_pairs, compiler: Any, **kw: Any) -> str:
    return f"json_agg(json_build_array({compiler.process(element.clauses, **kw)}))"


@compiles(_json_pairs)
def _json_pairs_sqlite(element: _json_pairs, compiler: Any, **kw: Any) -> str:
    return f"json_group_array(json_array({compiler.process(element.clauses, **kw)}))"


def groups_column(context: RequestContext) -> Any:
    """The live groups the user is directly in, as `[[id, name], …]`: a column of the user's
    own statement (a correlated aggregate), so reading them costs no round trip."""
    users = resources.USER.table
    return (
        select(_json_pairs(Group.id, Group.name))
        .select_from(GroupMember)
        .join(Group, Group.id == GroupMember.group_id)
        .where(
            GroupMember.user_id == users.c.id,
            Group.deleted_at.is_(None),
            resources.GROUP.visible(context.actor),
        )
        .scalar_subquery()
        .label(GROUPS_COLUMN)
    )


def groups_in(row: Any) -> list[tuple[str, str]]:
    """The (id, name) of the groups `groups_column` read for `row`, by id; none if not read."""
    pairs = getattr(row, GROUPS_COLUMN, None) or []
    return sorted((str(group_id), str(name)) for group_id, name in pairs)


def to_scim(row: Any, base: str) -> ScimUser:
    """The user's document; its `groups` if they were read with it (`groups_column`)."""
    custom = dict(row.custom_attributes or {})
    enterprise = custom.get(ENTERPRISE_KEY)
    user = ScimUser(
        id=row.id,
        external_id=row.external_id,
        user_name=row.user_name or row.email,
        name=Name(given_name=row.first_name, family_name=row.last_name)
        if row.first_name or row.last_name
        else None,
        display_name=row.display_name,
        emails=[Email.model_validate({"value": row.email, "type": "work", "primary": True})],
        active=row.status == UserStatus.ACTIVE.value,
        groups=[
            GroupMembership.model_validate(
                {"value": group_id, "display": name, "$ref": f"{base}/Groups/{group_id}"}
            )
            for group_id, name in groups_in(row)
        ]
        or None,
        meta=USERS.meta(row, base),
    )
    if isinstance(enterprise, dict) and enterprise:
        user[EnterpriseUser] = EnterpriseUser.model_validate(enterprise)
    return user


def fields_of(user: ScimUser, current: Any | None) -> dict[str, Any]:
    """The user's fields as a SCIM document gives them (a full replacement).

    A userName that is an e-mail address is the user's e-mail; any other (a login name) is
    kept as `user_name`, and the e-mail is then the primary (else the first) of `emails`."""
    primary = [e for e in user.emails or () if e.primary] or list(user.emails or ())
    mailbox = primary[0].value if primary else None
    email, user_name = user.user_name or mailbox, None
    if user.user_name is not None and not is_email(user.user_name):
        if mailbox is None:
            raise ScimError(
                400,
                f"userName '{user.user_name}' is not an e-mail address: emails must then "
                "hold the user's e-mail",
                "invalidValue",
            )
        email, user_name = mailbox, user.user_name.lower()
    fields: dict[str, Any] = {
        "email": email,
        "user_name": user_name,
        "external_id": user.external_id,
        "display_name": user.display_name,
        "first_name": user.name.given_name if user.name else None,
        "last_name": user.name.family_name if user.name else None,
    }
    if user.active is not None:
        fields["status"] = UserStatus.ACTIVE if user.active else UserStatus.DISABLED
    elif current is not None and current.status == UserStatus.DISABLED.value:
        fields["status"] = UserStatus.DISABLED  # a replacement that leaves active out
    custom = dict(current.custom_attributes or {}) if current is not None else {}
    enterprise = user[EnterpriseUser]
    dumped = (
        enterprise.model_dump(scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST)
        if enterprise is not None
        else {}
    )
    dumped.pop("schemas", None)
    if dumped:
        custom[ENTERPRISE_KEY] = dumped
    else:
        custom.pop(ENTERPRISE_KEY, None)
    if current is not None or custom:
        fields["custom_attributes"] = custom
    return fields


def changed(fields: dict[str, Any], current: Any) -> dict[str, Any]:
    """The fields whose value differs from the row's."""
    changes = {}
    for name, value in fields.items():
        stored = getattr(current, name)
        comparable = value.value if isinstance(value, UserStatus) else value
        if name == "email" and isinstance(value, str):
            comparable = value.lower()
        if comparable != stored:
            changes[name] = value.value if isinstance(value, UserStatus) else value
    return changes


USERS = ScimResource(
    name="User",
    endpoint="/Users",
    schema=USER_SCHEMA,
    model=ScimUser,
    resource=resources.USER,
    filter_schema=FILTER_SCHEMA,
    sort_fields=SORT_FIELDS,
)


async def create(context: RequestContext, tenant_id: str, user: ScimUser) -> Any:
    fields = fields_of(user, None)
    fields["status"] = fields.get("status", UserStatus.ACTIVE).value
    fields["tenant_id"] = tenant_id
    return await user_resolvers.create(context, fields)


async def update(
    context: RequestContext,
    current: Any,
    user: ScimUser,
    precondition: Callable[[Any], None] | None = None,
) -> Any:
    """Writes what changed; `precondition` (an `If-Match`) is checked on the locked row."""
    changes = changed(fields_of(user, current), current)
    if not changes:
        return current
    return await user_resolvers.update(context, current.id, changes, precondition=precondition)
