"""What every SCIM route handler is given and may use: the registration of a route, and the
audit of a read by a SCIM token."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from fastapi import Request
from fastapi.responses import Response

from resolvers import audit
from resolvers.context import RequestContext

Handler = Callable[[Request, str, RequestContext], Awaitable[Response]]


class Route(Protocol):
    def __call__(self, method: str, path: str, handler: Handler, *, status: int = 200) -> None: ...


async def used(context: RequestContext, tenant_id: str, action: str, **fields: Any) -> None:
    """A read by a SCIM token is audited too: every use of one is."""
    if context.actor.scim_token_id is not None:
        await audit.record_alone(context, action, tenant_id=tenant_id, **fields)
