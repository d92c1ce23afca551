"""Group queries and mutations."""

from __future__ import annotations

import strawberry


@strawberry.type
class GroupQuery:
    @strawberry.field(description="Placeholder until groups are exposed.")
    def groups_placeholder(self) -> bool:
        return False


@strawberry.type
class GroupMutation:
    @strawberry.mutation(description="Placeholder until groups are exposed.")
    def groups_placeholder(self) -> bool:
        return False
