"""Ends an operation's loaders with the operation, so the rows they loaded are freed at once."""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from schema.context import context_of_execution


class ReleaseLoaders(SchemaExtension):
    """Releases the request context's loaders when an operation ends.

    graphql-core's executor refers to itself (its info helpers are its own bound methods),
    so it and the context it carries are freed only by a full garbage collection, which
    `serve`'s thresholds make rare. Dropping the loaders at the end lets reference counting
    free the pages and rows they cached (most of a nested request's memory) right away.
    """

    def on_operation(self) -> Iterator[None]:
        yield
        context = context_of_execution(self.execution_context.context)
        if context is not None:
            context.release_loaders()
