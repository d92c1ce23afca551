"""The Partner type."""

from __future__ import annotations

from datetime import datetime

import strawberry

from db.ids import IdPrefix
from resolvers.sessions import SESSIONS_BY_PARTNER_ID
from resolvers.tenants import TENANTS_BY_PARTNER_ID
from resolvers.users import USERS_BY_PARTNER_ID
from schema.types import connections
from schema.types.enums import PartnerStatus
from schema.types.node import Node, is_row_of
from schema.types.relation import relation_field


@strawberry.type(description="A reseller that owns tenants, with its resource limits.")
class Partner(Node):
    name: str
    slug: str
    status: PartnerStatus
    contact_email: str | None
    max_tenants: int
    max_users_per_tenant: int
    max_applications_per_tenant: int
    created_at: datetime
    updated_at: datetime

    is_type_of = is_row_of(IdPrefix.PARTNER)

    tenants = relation_field(
        TENANTS_BY_PARTNER_ID,
        connections.TenantConnection,
        description="The partner's tenants that the caller may see.",
    )
    users = relation_field(
        USERS_BY_PARTNER_ID,
        connections.UserConnection,
        description="Users of the partner's live tenants that the caller may see.",
    )
    sessions = relation_field(
        SESSIONS_BY_PARTNER_ID,
        connections.SessionConnection,
        description="SSO sessions started under the partner that the caller may see.",
    )
