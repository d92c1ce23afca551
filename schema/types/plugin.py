"""The TenantPlugin type: a plugin of the registry with the tenant's on/off state."""

from __future__ import annotations

from datetime import datetime

import strawberry


@strawberry.type(description="A ScaiWave plugin and whether the tenant has it on.")
class TenantPlugin:
    id: strawberry.ID = strawberry.field(description="The plugin's registry key: `web-search`.")
    name: str
    description: str
    enabled: bool
    updated_at: datetime | None = strawberry.field(
        description="When the tenant last turned it on or off; null if it never did."
    )
