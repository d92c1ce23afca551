"""The User type."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from db.ids import IdPrefix
from resolvers import resources
from resolvers.group_closure import EFFECTIVE_GROUPS_BY_USER_ID
from resolvers.groups import GROUPS_BY_USER_ID
from resolvers.sessions import SESSIONS_BY_USER_ID
from schema.scalars import JSON
from schema.types import connections
from schema.types.enums import AdminRole as UserAdminRole
from schema.types.enums import UserStatus
from schema.types.node import Node, is_row_of
from schema.types.relation import relation_field
from schema.types.to_one import to_one_field

if TYPE_CHECKING:
    from schema.types.tenant import Tenant


@strawberry.type(description="A person in a tenant. Passwords are never readable.")
class User(Node):
    tenant_id: strawberry.ID
    email: str
    display_name: str | None
    first_name: str | None
    last_name: str | None
    status: UserStatus
    email_verified: bool
    mfa_enabled: bool
    must_change_password: bool
    password_changed_at: datetime | None
    custom_attributes: JSON
    admin_role: UserAdminRole | None = strawberry.field(
        description="The user's admin role; null: not an admin (cannot sign in)."
    )
    last_sign_in_at: datetime | None = strawberry.field(
        description="When the user last signed in successfully; null: never."
    )
    external_id: str | None = strawberry.field(
        description="A provisioning client's id for the user (SCIM `externalId`), unique in "
        "its tenant."
    )
    user_name: str | None = strawberry.field(
        description="The user's SCIM `userName` where a provisioning client gave one that is "
        "not an e-mail address (a login name), lowercased and unique in its tenant; null: the "
        "userName is the e-mail."
    )
    created_at: datetime
    updated_at: datetime

    is_type_of = is_row_of(IdPrefix.USER)

    tenant = to_one_field(
        resources.USER, "tenant", Annotated["Tenant", strawberry.lazy("schema.types.tenant")] | None
    )

    groups = relation_field(
        GROUPS_BY_USER_ID,
        connections.GroupConnection,
        description="Groups the user is a direct member of.",
    )
    effective_groups = relation_field(
        EFFECTIVE_GROUPS_BY_USER_ID,
        connections.GroupConnection,
        description="Every group the user belongs to, directly or through nesting.",
    )
    sessions = relation_field(
        SESSIONS_BY_USER_ID,
        connections.SessionConnection,
        description="The user's SSO sessions, live and ended, oldest first.",
    )
