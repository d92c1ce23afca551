"""Production mode: the schema's shape is shown to super admins only.

In production, for every caller but a super admin, introspection (`__schema`, `__type`) is
refused at validation and "Did you mean …?" suggestions are cut from error messages (they
would otherwise reveal field, argument, type and enum value names one guess at a time).
It depends on the caller, so it is decided per operation rather than by a schema flag.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from graphql import GraphQLError, NoSchemaIntrospectionCustomRule
from strawberry.extensions import SchemaExtension

from core.principals import Role
from resolvers.context import RequestContext
from schema.context import context_of_execution

_SUGGESTION = re.compile(r"\s*Did you mean .*$", re.DOTALL)


def hides_schema(context: RequestContext | None) -> bool:
    """True in production for any caller but a super admin (anonymous callers included)."""
    if context is None or not context.production:
        return False
    principal = context.principal
    return principal is None or principal.role is not Role.SUPER_ADMIN


def without_suggestion(error: GraphQLError) -> GraphQLError:
    """The same error with any "Did you mean …?" cut off (a copy: validation errors are
    cached and shared between requests)."""
    message = _SUGGESTION.sub("", error.message)
    if message == error.message:
        return error
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error,
        extensions=error.extensions,
    )


class SchemaVisibility(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        hidden = hides_schema(context_of_execution(self.execution_context.context))
        if hidden:
            self.execution_context.validation_rules = (
                *self.execution_context.validation_rules,
                NoSchemaIntrospectionCustomRule,
            )
        yield
        result = self.execution_context.result
        if hidden and result is not None and result.errors:
            result.errors = [without_suggestion(error) for error in result.errors]
