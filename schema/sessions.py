"""SSO session queries and the revoke mutation (sign-in itself is `POST /auth/sign-in`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from resolvers import resources, sessions
from schema.connection import connection_from_keyset
from schema.context import request_context
from schema.directives import reads, writes
from schema.prefetch import prefetched
from schema.selection import page_relay
from schema.types import connections
from schema.types.filters import filter_type, listing, order_type
from schema.types.session import Session

if TYPE_CHECKING:
    SessionFilter = Any
    SessionOrderBy = Any
else:
    SessionFilter = filter_type(resources.SSO_SESSION)
    SessionOrderBy = order_type(resources.SSO_SESSION)


@strawberry.type
class SessionQuery:
    @strawberry.field(
        extensions=reads(),
        description="Sessions of the users the caller may see, oldest first.",
    )
    async def sessions(
        self,
        info: strawberry.Info,
        first: int | None = None,
        after: str | None = None,
        user_id: strawberry.ID | None = None,
        tenant_id: strawberry.ID | None = None,
        active: Annotated[
            bool | None,
            strawberry.argument(description="true: live sessions only; false: ended ones."),
        ] = None,
        filter: SessionFilter | None = None,
        order_by: list[SessionOrderBy] | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> connections.SessionConnection:
        page = await sessions.list_(
            request_context(info),
            page_relay(info, first, after, last, before),
            listing(filter, order_by, None),
            user_id=user_id,
            tenant_id=tenant_id,
            active=active,
        )
        return await prefetched(info, connection_from_keyset(page))

    @strawberry.field(extensions=reads())
    async def session(self, info: strawberry.Info, id: strawberry.ID) -> Session | None:
        row: Any = await sessions.get(request_context(info), id)
        return row


@strawberry.type
class SessionMutation:
    @strawberry.mutation(
        extensions=writes(audit="session.revoke"),
        description="Ends a session now: its tokens are refused from the next request on. "
        "Revoking an ended session answers it unchanged.",
    )
    async def revoke_session(self, info: strawberry.Info, id: strawberry.ID) -> Session:
        row: Any = await sessions.revoke(request_context(info), id)
        return row
