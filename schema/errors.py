"""One place that turns domain errors into GraphQL `extensions.code`, and masks the rest."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import structlog
from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.extensions import SchemaExtension

from db.availability import describe_outage, outage_cause
from resolvers.errors import DatabaseUnavailable, DomainError, ErrorCode
from schema.context import context_of_execution

logger = structlog.stdlib.get_logger("scaigate.errors")


def log_unexpected(error: BaseException, *, request_id: str | None = None, **where: Any) -> str:
    """Logs an unexpected error with its traceback under a new error id, and returns the id.

    The line (`event: unexpected_error`) carries `error_id` and the request's `request_id`,
    so the id a client was shown finds the traceback; the client is shown nothing else.
    """
    error_id = uuid.uuid4().hex
    fields: dict[str, Any] = {"error_id": error_id, **where}
    if request_id:
        fields["request_id"] = request_id
    logger.error("unexpected_error", exc_info=error, **fields)
    return error_id


def database_outage(
    error: BaseException, *, request_id: str | None = None, **where: Any
) -> DatabaseUnavailable | None:
    """`DatabaseUnavailable` when `error` shows the database unreachable, logged as one short
    warning line; None for any other error.

    An outage fails many requests at once: their lines carry no traceback, whose rendering
    would hold up the event loop just when the database comes back.
    """
    cause = outage_cause(error)
    if cause is None:
        return None
    if request_id:
        where["request_id"] = request_id
    logger.warning("database_unavailable", error=describe_outage(cause), **where)
    return DatabaseUnavailable()


def masked_message(error_id: str) -> str:
    return f"Internal server error (error id {error_id})"


# graphql-core's wording when a variable's value does not fit its type (validation messages
# such as "Variable '$x' is never used." are about the document, not the input).
_VARIABLE_COERCION = re.compile(r"^Variable '\$\w+' has invalid (default )?value")


def _classify(error: GraphQLError, request_id: str | None = None) -> None:
    original = error.original_error
    if (error.extensions or {}).get("error_id"):
        return  # already logged and masked (a subscription's last result is seen twice)
    if original is not None and not isinstance(original, DomainError | GraphQLError):
        outage = database_outage(original, request_id=request_id, path=error.path)
        if outage is not None:
            error.original_error = original = outage  # seen again: not logged twice
    if isinstance(original, DomainError):
        error.message = original.message
        error.extensions = {"code": original.code.value, **original.extensions}
    elif original is not None and not isinstance(original, GraphQLError):
        error_id = log_unexpected(original, request_id=request_id, path=error.path)
        error.message = masked_message(error_id)
        error.extensions = {"code": ErrorCode.INTERNAL.value, "error_id": error_id}
    elif isinstance(error, GraphQLSyntaxError):
        error.extensions = {"code": "GRAPHQL_PARSE_FAILED"}
    elif _VARIABLE_COERCION.match(error.message):
        error.extensions = {"code": ErrorCode.BAD_USER_INPUT.value}
    else:
        error.extensions = {"code": "GRAPHQL_VALIDATION_FAILED", **(error.extensions or {})}


class DomainErrors(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        request_context = context_of_execution(self.execution_context.context)
        request_id = request_context.meta.request_id if request_context else None
        try:
            yield
        except GraphQLError as error:
            # A parse error raised by the parser cache passes through here on its way out.
            _classify(error, request_id)
            raise
        result = self.execution_context.result
        errors = (result.errors if result else None) or self.execution_context.pre_execution_errors
        for found in errors or ():
            _classify(found, request_id)

    def on_stream_result(self, result: Any) -> Iterator[None]:
        """Each result of a subscription, before it is sent: the same codes and masking."""
        request_context = context_of_execution(self.execution_context.context)
        request_id = request_context.meta.request_id if request_context else None
        for found in getattr(result, "errors", None) or ():
            _classify(found, request_id)
        yield
