"""The Tenant type."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from db.ids import IdPrefix
from resolvers import resources
from resolvers.agents import AGENTS_BY_TENANT_ID
from resolvers.applications import APPLICATIONS_BY_TENANT_ID
from resolvers.groups import GROUPS_BY_TENANT_ID
from resolvers.identity_providers import IDENTITY_PROVIDERS_BY_TENANT_ID
from resolvers.sessions import SESSIONS_BY_TENANT_ID
from resolvers.users import USERS_BY_TENANT_ID
from schema.scalars import JSON
from schema.types import connections
from schema.types.enums import TenantStatus
from schema.types.node import Node, is_row_of
from schema.types.relation import relation_field
from schema.types.to_one import to_one_field

if TYPE_CHECKING:
    from schema.types.partner import Partner


@strawberry.type(description="A customer organisation under a partner.")
class Tenant(Node):
    partner_id: strawberry.ID
    name: str
    slug: str
    status: TenantStatus
    contact_email: str | None
    settings: JSON
    branding: JSON
    created_at: datetime
    updated_at: datetime

    is_type_of = is_row_of(IdPrefix.TENANT)

    partner = to_one_field(
        resources.TENANT,
        "partner",
        Annotated["Partner", strawberry.lazy("schema.types.partner")] | None,
        description="The owning partner, when the caller may see it.",
    )

    users = relation_field(USERS_BY_TENANT_ID, connections.UserConnection)
    groups = relation_field(GROUPS_BY_TENANT_ID, connections.GroupConnection)
    applications = relation_field(
        APPLICATIONS_BY_TENANT_ID,
        connections.ApplicationConnection,
        description="Applications owned by this tenant (not global ones).",
    )
    identity_providers = relation_field(
        IDENTITY_PROVIDERS_BY_TENANT_ID,
        connections.IdentityProviderConnection,
    )
    agents = relation_field(AGENTS_BY_TENANT_ID, connections.AgentConnection)
    sessions = relation_field(
        SESSIONS_BY_TENANT_ID,
        connections.SessionConnection,
        description="SSO sessions of the tenant's admins, live and ended, oldest first.",
    )
