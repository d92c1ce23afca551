"""What every SCIM route handler is given: the registration of a route."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from fastapi import Request
from fastapi.responses import Response

from resolvers.context import RequestContext

Handler = Callable[[Request, str, RequestContext], Awaitable[Response]]


class Route(Protocol):
    def __call__(self, method: str, path: str, handler: Handler, *, status: int = 200) -> None: ...
