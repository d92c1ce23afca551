"""One place that turns domain errors into GraphQL `extensions.code`, and masks the rest."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator

from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.extensions import SchemaExtension

from resolvers.errors import DomainError, ErrorCode

logger = logging.getLogger("scaigate.errors")


def _classify(error: GraphQLError) -> None:
    original = error.original_error
    if isinstance(original, DomainError):
        error.message = original.message
        error.extensions = {"code": original.code.value, **original.extensions}
    elif original is not None:
        error_id = uuid.uuid4().hex
        logger.error("unexpected error %s at %s", error_id, error.path, exc_info=original)
        error.message = f"Internal server error (error id {error_id})"
        error.extensions = {"code": ErrorCode.INTERNAL.value, "error_id": error_id}
    elif isinstance(error, GraphQLSyntaxError):
        error.extensions = {"code": "GRAPHQL_PARSE_FAILED"}
    elif error.message.startswith("Variable '$"):
        error.extensions = {"code": ErrorCode.BAD_USER_INPUT.value}
    else:
        error.extensions = {"code": "GRAPHQL_VALIDATION_FAILED", **(error.extensions or {})}


class DomainErrors(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is not None and result.errors:
            for error in result.errors:
                _classify(error)
