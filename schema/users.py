"""User queries and mutations."""

from __future__ import annotations

import strawberry


@strawberry.type
class UserQuery:
    @strawberry.field(description="Placeholder until users are exposed.")
    def users_placeholder(self) -> bool:
        return False


@strawberry.type
class UserMutation:
    @strawberry.mutation(description="Placeholder until users are exposed.")
    def users_placeholder(self) -> bool:
        return False
