"""Operation limits: depth, aliases, root fields, tokens and a per-role cost budget.

Every operation is checked before it runs, on both surfaces (the REST routes' documents are
small and stay far below every limit). The figures come from the request's
`RequestContext.operation_limits` (`SCAIGATE_LIMIT_…`); a refused operation gets one GraphQL
error naming the limit and the figures, with `extensions`
`{"code": "OPERATION_LIMIT_EXCEEDED", "limit": …, "maximum": …, "actual": …}`.

- Tokens, depth and aliases are Strawberry's `MaxTokensLimiter`, `QueryDepthLimiter` and
  `MaxAliasesLimiter`, reading their maximum per operation. Their validation rules are built
  once per maximum, so the `ValidationCache` (keyed by the rule classes) keeps hitting.
- Root fields and cost are `OperationBudget`, a validation-phase extension: they depend on
  the operation chosen, on the variables and on the caller, so they are never cached.

The cost is an estimate of the field executions, an upper bound: every selected field costs
1 each time it can run, and a list runs its selection once per item. A connection's lists
(`nodes`, `edges`) hold at most its page size: `first`, read from the literal, from the
variables the request carries or from the variable's default, 20 when absent or null, and
capped at the 100 the resolvers accept. So `tenants(first: 5) { nodes { id name } }` costs
1 + 1 + 5 * 2 = 12, and a page size hidden in a variable counts at its real value.
`__typename` costs nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSyntaxError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    ValidationRule,
    VariableNode,
    get_named_type,
    get_nullable_type,
    get_operation_ast,
    is_list_type,
)
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.extensions.max_aliases import count_fields_with_alias
from strawberry.extensions.max_aliases import create_validator as alias_validator
from strawberry.extensions.query_depth_limiter import create_validator as depth_validator
from strawberry.schema.schema import validate_document
from strawberry.types import ExecutionContext

from gateway.limits import DEFAULT_OPERATION_LIMITS, OperationLimits
from gateway.principals import Principal
from resolvers.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from schema.context import context_of_execution

LIMIT_EXCEEDED = "OPERATION_LIMIT_EXCEEDED"

# The messages of the limiters this module names and completes with their figures.
_DEPTH = re.compile(r"^'.*' exceeds maximum operation depth of \d+$", re.DOTALL)
_ALIASES = re.compile(r"^\d+ aliases found\. Allowed: \d+$")
_TOKENS = re.compile(r"Document contains more than \d+ tokens\. Parsing aborted\.$")


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


# ---------------------------------------------------------------------------------------------
# Strawberry's limiters, their maximum read per operation


@cache
def _depth_rule(max_depth: int) -> type[ValidationRule]:
    return depth_validator(max_depth, None)


@cache
def _alias_rule(max_aliases: int) -> type[ValidationRule]:
    return alias_validator(max_aliases)


class DepthLimit(QueryDepthLimiter):
    """`QueryDepthLimiter` at the request's `max_depth` (introspection fields not counted)."""

    def __init__(self) -> None:
        AddValidationRules.__init__(self, [])  # the rule depends on the request

    def on_operation(self) -> Iterator[None]:
        self.validation_rules = [_depth_rule(limits_of(self.execution_context).max_depth)]
        yield from super().on_operation()


class AliasLimit(MaxAliasesLimiter):
    """`MaxAliasesLimiter` at the request's `max_aliases` (counted over the whole document)."""

    def __init__(self) -> None:
        AddValidationRules.__init__(self, [])

    def on_operation(self) -> Iterator[None]:
        self.validation_rules = [_alias_rule(limits_of(self.execution_context).max_aliases)]
        yield from super().on_operation()


class TokenLimit(MaxTokensLimiter):
    """`MaxTokensLimiter` at the request's `max_tokens`: parsing stops past it."""

    def __init__(self) -> None:
        super().__init__(max_token_count=DEFAULT_OPERATION_LIMITS.max_tokens)

    def on_operation(self) -> Iterator[None]:
        self.max_token_count = limits_of(self.execution_context).max_tokens
        yield from super().on_operation()


# ---------------------------------------------------------------------------------------------
# Root fields and cost


class OperationBudget(SchemaExtension):
    """Refuses, before execution, an operation with too many root fields or whose estimated
    cost exceeds the caller's budget; and gives the errors of the three limiters above their
    code and figures. (It also refuses a document of several operations that names none,
    which GraphQL requires and Strawberry does not check.)

    List it after `ValidationCache`: it reads the validation result (and validates itself
    when nothing has yet)."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        limits = limits_of(context)
        try:
            yield
        except GraphQLSyntaxError as error:
            # With ParserCache a syntax error leaves parsing as an exception.
            named = _named(error, context.graphql_document, limits)
            if named is error:
                raise
            raise named from error
        result = context.result
        if result is not None and result.errors:
            result.errors = _named_errors(result.errors, context.graphql_document, limits)

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.pre_execution_errors is None and context.graphql_document is not None:
            context.pre_execution_errors = validate_document(
                context.schema._schema, context.graphql_document, context.validation_rules
            )
        if not context.pre_execution_errors and context.graphql_document is not None:
            error = _several_operations(context) or self._check(context)
            if error is not None:
                context.pre_execution_errors = [error]
        yield

    def _check(self, context: ExecutionContext) -> GraphQLError | None:
        assert context.graphql_document is not None
        operation = get_operation_ast(context.graphql_document, context.operation_name)
        if operation is None:
            return None  # execution reports the operation that cannot be found
        limits = limits_of(context)
        estimate = Estimate(context.schema._schema, context.graphql_document, context.variables)
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
        role, budget = limits.budget(_principal_of(context))
        cost = estimate.cost(operation)
        if cost > budget:
            kind = "Query" if operation.operation is OperationType.QUERY else "Operation"
            return limit_exceeded(
                "cost",
                f"{kind} cost {cost:,} exceeds the {role} budget of {budget:,}",
                maximum=budget,
                actual=cost,
                role=role,
                nodes=[operation],
            )
        return None


def _several_operations(context: ExecutionContext) -> GraphQLError | None:
    """GraphQL's GetOperation(): without an operation name a document must hold exactly one
    operation (Strawberry would otherwise run the first)."""
    assert context.graphql_document is not None
    if getattr(context, "_provided_operation_name", None) is not None:
        return None
    operations = [
        definition
        for definition in context.graphql_document.definitions
        if isinstance(definition, OperationDefinitionNode)
    ]
    if len(operations) < 2:
        return None
    return GraphQLError(
        "Must provide operation name if query contains multiple operations.",
        operations,
        extensions={"code": "OPERATION_RESOLUTION_FAILURE"},
    )


def _named_errors(
    errors: Sequence[GraphQLError], document: DocumentNode | None, limits: OperationLimits
) -> list[GraphQLError]:
    """The errors, each limiter's given its code and figures; one depth error per document."""
    named: list[GraphQLError] = []
    depth_named = False
    for error in errors:
        if _DEPTH.match(error.message):
            if depth_named:
                continue
            depth_named = True
        named.append(_named(error, document, limits))
    return named


def _named(
    error: GraphQLError, document: DocumentNode | None, limits: OperationLimits
) -> GraphQLError:
    if isinstance(error, GraphQLSyntaxError):
        if _TOKENS.search(error.message):
            return limit_exceeded(
                "max_tokens",
                f"The document has more than {limits.max_tokens:,} tokens, the maximum "
                "(parsing stopped there)",
                maximum=limits.max_tokens,
            )
        error.extensions = {"code": "GRAPHQL_PARSE_FAILED", **(error.extensions or {})}
        return error
    if document is not None and _DEPTH.match(error.message):
        depth = document_depth(document)
        return limit_exceeded(
            "max_depth",
            f"Operation depth {depth} exceeds the maximum depth of {limits.max_depth}",
            maximum=limits.max_depth,
            actual=depth,
        )
    if document is not None and _ALIASES.match(error.message):
        aliases = alias_count(document)
        return limit_exceeded(
            "max_aliases",
            f"{aliases} aliases exceed the maximum of {limits.max_aliases} per document",
            maximum=limits.max_aliases,
            actual=aliases,
        )
    return error


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }


def alias_count(document: DocumentNode) -> int:
    """Aliased fields in the document's operations, as `MaxAliasesLimiter` counts them."""
    fragments = _fragments(document)
    return sum(
        count_fields_with_alias(definition, fragments)
        for definition in document.definitions
        if isinstance(definition, OperationDefinitionNode)
    )


def document_depth(document: DocumentNode) -> int:
    """The deepest field of any operation as `QueryDepthLimiter` counts: root fields are at
    depth 0, and introspection fields (`__schema`, …) are not looked into."""
    fragments = _fragments(document)
    memo: dict[str, int] = {}

    def depth(selection_set: SelectionSetNode | None, visiting: frozenset[str]) -> int:
        deepest = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                if selection.selection_set and not selection.name.value.startswith("__"):
                    deepest = max(deepest, 1 + depth(selection.selection_set, visiting))
            elif isinstance(selection, InlineFragmentNode):
                deepest = max(deepest, depth(selection.selection_set, visiting))
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in visiting or name not in fragments:
                    continue
                if name not in memo:
                    memo[name] = depth(fragments[name].selection_set, visiting | {name})
                deepest = max(deepest, memo[name])
        return deepest

    return max(
        (
            depth(definition.selection_set, frozenset())
            for definition in document.definitions
            if isinstance(definition, OperationDefinitionNode)
        ),
        default=0,
    )


class Estimate:
    """Root fields and cost of one operation of a validated document (see the module doc)."""

    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        variables: Mapping[str, Any] | None,
        *,
        default_page_size: int = DEFAULT_PAGE_SIZE,
        max_page_size: int = MAX_PAGE_SIZE,
    ) -> None:
        self.schema = schema
        self.fragments = _fragments(document)
        self.variables = variables or {}
        self.default_page_size = default_page_size
        self.max_page_size = max_page_size
        self._defaults: dict[str, Any] = {}
        self._memo: dict[tuple[str, int], int] = {}
        self._visiting: set[str] = set()

    def root_fields(self, operation: OperationDefinitionNode) -> int:
        """Distinct response keys at the root (fields merge by key), `__typename` aside."""
        keys: set[str] = set()
        visited: set[str] = set()

        def collect(selection_set: SelectionSetNode) -> None:
            for selection in selection_set.selections:
                if isinstance(selection, FieldNode):
                    if selection.name.value != "__typename":
                        keys.add((selection.alias or selection.name).value)
                elif isinstance(selection, InlineFragmentNode):
                    collect(selection.selection_set)
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    if name not in visited and name in self.fragments:
                        visited.add(name)
                        collect(self.fragments[name].selection_set)

        collect(operation.selection_set)
        return len(keys)

    def cost(self, operation: OperationDefinitionNode) -> int:
        self._defaults = {
            definition.variable.name.value: definition.default_value
            for definition in operation.variable_definitions or ()
        }
        root = self.schema.get_root_type(operation.operation)
        return self._selection_cost(operation.selection_set, root, 1)

    def _selection_cost(
        self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType | None, page: int
    ) -> int:
        """The cost of one execution of a selection set; `page` is the page size of the
        nearest connection above, which its lists hold."""
        total = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                total += self._field_cost(selection, parent, page)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                on = self.schema.get_type(condition.name.value) if condition else parent
                total += self._selection_cost(selection.selection_set, on, page)
            elif isinstance(selection, FragmentSpreadNode):
                total += self._fragment_cost(selection.name.value, page)
        return total

    def _fragment_cost(self, name: str, page: int) -> int:
        fragment = self.fragments.get(name)
        if fragment is None or name in self._visiting:
            return 0
        key = (name, page)
        if key not in self._memo:
            self._visiting.add(name)
            on = self.schema.get_type(fragment.type_condition.name.value)
            self._memo[key] = self._selection_cost(fragment.selection_set, on, page)
            self._visiting.discard(name)
        return self._memo[key]

    def _field_cost(self, node: FieldNode, parent: GraphQLNamedType | None, page: int) -> int:
        if node.name.value == "__typename":
            return 0
        if node.selection_set is None:
            return 1
        composite = isinstance(parent, GraphQLObjectType | GraphQLInterfaceType)
        field = parent.fields.get(node.name.value) if composite else None  # type: ignore[union-attr]
        if field is None:  # an introspection field: no pages, its lists count once
            return 1 + self._selection_cost(node.selection_set, None, 1)
        child = get_named_type(field.type)
        if is_list_type(get_nullable_type(field.type)):
            return 1 + page * self._selection_cost(node.selection_set, child, 1)
        if "first" in field.args:  # a connection: its lists hold one page
            return 1 + self._selection_cost(node.selection_set, child, self._page_size(node))
        return 1 + self._selection_cost(node.selection_set, child, page)

    def _page_size(self, node: FieldNode) -> int:
        argument = next((a for a in node.arguments or () if a.name.value == "first"), None)
        value: Any = None
        if argument is not None:
            value = argument.value
            if isinstance(value, VariableNode):
                name = value.name.value
                value = self.variables[name] if name in self.variables else self._defaults.get(name)
            if isinstance(value, IntValueNode):
                value = int(value.value)
        if not isinstance(value, int) or isinstance(value, bool):
            return self.default_page_size  # absent, null, or refused when coerced
        return max(0, min(value, self.max_page_size))


# The schema's list of these extensions, in their order: classes, built per request.
OPERATION_LIMITS: tuple[type[SchemaExtension], ...] = (
    TokenLimit,
    DepthLimit,
    AliasLimit,
    OperationBudget,
)
