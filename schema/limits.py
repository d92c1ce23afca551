"""Operation limits: depth, aliases, root fields, tokens and a per-role cost budget.

Every operation is checked before it runs, on both surfaces (the REST routes' documents are
small and stay far below every limit). The figures come from the request's
`RequestContext.operation_limits` (`SCAIGATE_LIMIT_…`); a refused operation gets one GraphQL
error naming the limit and the figures, with `extensions`
`{"code": "OPERATION_LIMIT_EXCEEDED", "limit": …, "maximum": …, "actual": …}`.

- Tokens are Strawberry's `MaxTokensLimiter`: the parser stops past the maximum.
- Depth, aliases, root fields and cost are `OperationLimitCheck`, which measures the parsed
  document in time linear in its size (`schema.operation_figures`) and refuses it before
  it is validated: validation never sees a document whose expansion is too large, and none
  of it needs the caller to be authenticated (a request without a token has the smallest
  budget). The figures depend on the operation chosen, on the variables and on the caller,
  so they are measured for each request; the validation of the documents that pass stays
  cached.
- Validation itself is bounded: graphql-core meters the field comparisons of its
  OverlappingFieldsCanBeMergedRule and aborts validation once a document spends
  `VALIDATION_COMPLEXITY_BUDGET` units of work; the error then names the limit
  `validation_complexity`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    GraphQLSyntaxError,
    OperationType,
    get_operation_ast,
)
from graphql.validation.rules import overlapping_fields_can_be_merged
from strawberry.extensions import MaxTokensLimiter, SchemaExtension, ValidationCache
from strawberry.types import ExecutionContext

from core.limits import DEFAULT_OPERATION_LIMITS, OperationLimits
from core.principals import Principal
from schema.context import context_of_execution
from schema.operation_figures import CEILING, DocumentShape, Estimate, operations_of
from schema.strawberry_private import graphql_core_schema

LIMIT_EXCEEDED = "OPERATION_LIMIT_EXCEEDED"

VALIDATION_COMPLEXITY_BUDGET = 20_000
# graphql-core's default, 500,000 units, lets a 3,000-token document of same-named fields
# (`{ viewer { role } viewer { role } … }`) hold a worker for seconds before it is refused;
# the API's own documents (REST routes, the explorer's introspection) spend under 100.
# graphql-core reads this module attribute, which it documents for the purpose, each time
# the rule starts.
overlapping_fields_can_be_merged.MAX_COMPLEXITY_BUDGET = VALIDATION_COMPLEXITY_BUDGET

# The parser's message when `MaxTokensLimiter` stops it, and graphql-core's when it stops
# validating a document too complex to validate; this module names both.
_TOKENS = re.compile(r"Document contains more than \d+ tokens\. Parsing aborted\.$")
_VALIDATION_ABORTED = "Validation aborted."


def limits_of(execution_context: ExecutionContext) -> OperationLimits:
    limits = getattr(context_of_execution(execution_context.context), "operation_limits", None)
    return limits if isinstance(limits, OperationLimits) else DEFAULT_OPERATION_LIMITS


def _principal_of(execution_context: ExecutionContext) -> Principal | None:
    principal = getattr(context_of_execution(execution_context.context), "principal", None)
    return principal if isinstance(principal, Principal) else None


def limit_exceeded(
    limit: str,
    message: str,
    *,
    maximum: int,
    actual: int | None = None,
    nodes: Any = None,
    **more: Any,
) -> GraphQLError:
    extensions: dict[str, Any] = {"code": LIMIT_EXCEEDED, "limit": limit, "maximum": maximum}
    if actual is not None:
        extensions["actual"] = actual
    return GraphQLError(message, nodes, extensions={**extensions, **more})


def _figure(value: int, *, separated: bool = True) -> str:
    """A figure as messages write it; one at the ceiling is a lower bound."""
    written = f"{value:,}" if separated else str(value)
    return f"{written} or more" if value >= CEILING else written


class TokenLimit(MaxTokensLimiter):
    """`MaxTokensLimiter` at the request's `max_tokens`: parsing stops past it."""

    def __init__(self) -> None:
        super().__init__(max_token_count=DEFAULT_OPERATION_LIMITS.max_tokens)

    def on_operation(self) -> Iterator[None]:
        self.max_token_count = limits_of(self.execution_context).max_tokens
        yield from super().on_operation()


class OperationLimitCheck(SchemaExtension):
    """Refuses, before validation, an operation over the depth, alias, root-field or cost
    limit, and names the errors of the token limit and of a validation given up. (It also
    refuses a document of several operations that names none, which GraphQL requires and
    Strawberry does not check.)

    List it before `ValidationUnlessRefused`, whose validation it spares."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        try:
            yield
        except GraphQLSyntaxError as error:
            # With ParserCache a syntax error leaves parsing as an exception.
            named = _named(error, limits_of(context))
            if named is error:
                raise
            raise named from error
        result = context.result
        if result is not None and result.errors:
            limits = limits_of(context)
            result.errors = [_named(error, limits) for error in result.errors]

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if context.pre_execution_errors is None and document is not None:
            error = _several_operations(context, document) or _over_a_limit(context, document)
            if error is not None:
                context.pre_execution_errors = [error]
        yield


class ValidationUnlessRefused(ValidationCache):
    """Strawberry's `ValidationCache`, which leaves alone a document that
    `OperationLimitCheck` has refused."""

    def on_validate(self) -> Iterator[None]:
        if self.execution_context.pre_execution_errors:
            yield
        else:
            yield from super().on_validate()


def _over_a_limit(context: ExecutionContext, document: DocumentNode) -> GraphQLError | None:
    return limit_refusal(
        graphql_core_schema(context.schema),
        document,
        context.operation_name,
        context.variables,
        limits_of(context),
        _principal_of(context),
    )


def limit_refusal(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: dict[str, Any] | None,
    limits: OperationLimits,
    principal: Principal | None,
) -> GraphQLError | None:
    """The error of the first limit (depth, aliases, root fields, cost) the operation of
    `document` exceeds for this caller and these variables, or None."""
    shape = DocumentShape.of(document)
    if shape.depth > limits.max_depth:
        return limit_exceeded(
            "max_depth",
            f"Operation depth {_figure(shape.depth)} exceeds the maximum depth of "
            f"{limits.max_depth}",
            maximum=limits.max_depth,
            actual=shape.depth,
        )
    if shape.aliases > limits.max_aliases:
        return limit_exceeded(
            "max_aliases",
            f"{_figure(shape.aliases, separated=False)} aliases exceed the maximum of "
            f"{limits.max_aliases} per document",
            maximum=limits.max_aliases,
            actual=shape.aliases,
        )
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return None  # execution reports the operation that cannot be found
    estimate = Estimate(schema, document, variables)
    root_fields = estimate.root_fields(operation)
    if root_fields > limits.max_root_fields:
        return limit_exceeded(
            "max_root_fields",
            f"{root_fields} root fields exceed the maximum of {limits.max_root_fields} "
            "per operation",
            maximum=limits.max_root_fields,
            actual=root_fields,
            nodes=[operation],
        )
    role, budget = limits.budget(principal)
    cost = estimate.cost(operation)
    if cost > budget:
        kind = "Query" if operation.operation is OperationType.QUERY else "Operation"
        return limit_exceeded(
            "cost",
            f"{kind} cost {_figure(cost)} exceeds the {role} budget of {budget:,}",
            maximum=budget,
            actual=cost,
            role=role,
            nodes=[operation],
        )
    return None


def _several_operations(context: ExecutionContext, document: DocumentNode) -> GraphQLError | None:
    """GraphQL's GetOperation(): without an operation name a document must hold exactly one
    operation (Strawberry would otherwise run the first)."""
    if getattr(context, "_provided_operation_name", None) is not None:
        return None
    operations = operations_of(document)
    if len(operations) < 2:
        return None
    return GraphQLError(
        "Must provide operation name if query contains multiple operations.",
        operations,
        extensions={"code": "OPERATION_RESOLUTION_FAILURE"},
    )


def _named(error: GraphQLError, limits: OperationLimits) -> GraphQLError:
    """The token limit's parse error and the validation's abort, given code and figures."""
    if error.message == _VALIDATION_ABORTED:
        return limit_exceeded(
            "validation_complexity",
            "The document is too complex to validate: too many fields share a response "
            "name, or fragments nest too deeply",
            maximum=VALIDATION_COMPLEXITY_BUDGET,
        )
    if not isinstance(error, GraphQLSyntaxError):
        return error
    if _TOKENS.search(error.message):
        return limit_exceeded(
            "max_tokens",
            f"The document has more than {limits.max_tokens:,} tokens, the maximum "
            "(parsing stopped there)",
            maximum=limits.max_tokens,
        )
    error.extensions = {"code": "GRAPHQL_PARSE_FAILED", **(error.extensions or {})}
    return error


# The schema's list of these extensions, in their order: classes, built per request.
OPERATION_LIMITS: tuple[type[SchemaExtension], ...] = (TokenLimit, OperationLimitCheck)
