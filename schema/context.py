"""The Strawberry context: wraps the resolvers' RequestContext."""

from __future__ import annotations

from typing import Any

from strawberry.fastapi import BaseContext

from resolvers.context import RequestContext


class GraphQLContext(BaseContext):
    def __init__(self, request_context: RequestContext) -> None:
        super().__init__()
        self.request_context = request_context


def request_context(info: Any) -> RequestContext:
    context: GraphQLContext = info.context
    return context.request_context
