"""Labels the current HTTP request with the GraphQL operation it ran (for metrics and logs)."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import get_operation_ast
from strawberry.extensions import SchemaExtension

from core.observation import current_observation


class OperationLabels(SchemaExtension):
    """Names the operation from the parsed document once it has validated; until then the
    request counts as `invalid` (a document that does not parse or validate runs nothing)."""

    def on_operation(self) -> Iterator[None]:
        observation = current_observation()
        if observation is not None:
            observation.operation_started()
        yield

    def on_execute(self) -> Iterator[None]:
        observation = current_observation()
        document = self.execution_context.graphql_document
        if observation is not None and document is not None:
            operation = get_operation_ast(document, self.execution_context.operation_name)
            if operation is not None:
                name = operation.name.value if operation.name else None
                observation.operation_validated(name, operation.operation.value)
        yield
