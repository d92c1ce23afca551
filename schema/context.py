"""The Strawberry context: wraps the resolvers' RequestContext."""

from __future__ import annotations

from typing import Any

from strawberry.fastapi import BaseContext

from resolvers.context import RequestContext


class GraphQLContext(BaseContext):
    def __init__(self, request_context: RequestContext) -> None:
        super().__init__()
        self.request_context = request_context


def context_of_execution(context: Any) -> RequestContext | None:
    """The RequestContext of an operation, if it has one (`schema.execute` may run without)."""
    request_context = getattr(context, "request_context", None)
    return request_context if isinstance(request_context, RequestContext) else None


def request_context(info: Any) -> RequestContext:
    context: GraphQLContext = info.context
    return context.request_context
