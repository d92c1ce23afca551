"""The Application type. The client secret is shown once, by the mutation that creates it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from db.ids import IdPrefix
from resolvers import resources
from schema.types.enums import ApplicationLevel, ApplicationType
from schema.types.node import Node, is_row_of
from schema.types.to_one import to_one_field

if TYPE_CHECKING:
    from schema.types.tenant import Tenant


@strawberry.type(description="An OAuth client: platform-wide (GLOBAL) or owned by one tenant.")
class Application(Node):
    tenant_id: strawberry.ID | None
    level: ApplicationLevel
    app_type: ApplicationType
    name: str
    description: str | None
    enabled: bool
    client_id: str
    allowed_scopes: list[str]
    redirect_uris: list[str]
    allowed_origins: list[str]
    token_lifetime: int
    token_exchange_allowed: bool
    created_at: datetime
    updated_at: datetime

    is_type_of = is_row_of(IdPrefix.APPLICATION)

    @strawberry.field(description="Whether a client secret is set (its value is never shown).")
    def has_client_secret(self, root: strawberry.Parent[Any]) -> bool:
        return root.client_secret_hash is not None

    tenant = to_one_field(
        resources.APPLICATION,
        "tenant",
        Annotated["Tenant", strawberry.lazy("schema.types.tenant")] | None,
    )
