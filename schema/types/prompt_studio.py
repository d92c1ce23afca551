"""The PromptStudio type: a tenant's prompt-studio switch and its allowlist."""

from __future__ import annotations

from datetime import datetime

import strawberry

from schema.types.user import User


@strawberry.type(
    description="Prompt studio for one tenant: off and with nobody allowlisted until changed."
)
class PromptStudio:
    tenant_id: strawberry.ID
    enabled: bool
    allowlist: list[strawberry.ID] = strawberry.field(
        description="IDs of the users allowed in, in ID (creation) order; live users only."
    )
    allowlist_users: list[User] = strawberry.field(
        description="The same users, for showing names and e-mail addresses."
    )
    updated_at: datetime | None = strawberry.field(
        description="When it was last changed; null while the tenant has the defaults."
    )
