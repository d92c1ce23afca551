"""The schema extension that runs an operation's plan or lets Strawberry execute it."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from graphql import DocumentNode, ExecutionResult, GraphQLSchema
from strawberry.extensions import SchemaExtension

from resolvers.context import PlannedOperation
from schema.context import context_of_execution
from schema.planner.compile import Plan, compile_operation
from schema.planner.run import run_plan
from schema.strawberry_private import graphql_core_schema

PLAN_CACHE_SIZE = 1024

# (document, operation name, role, scopes): what a plan depends on besides the schema.
PlanKey = tuple[str, str | None, str, frozenset[str]]


@dataclass
class PlannerFigures:
    """How many operations of this process ran from a plan and how many did not, and how
    many times an operation was compiled (once per document, operation name and tier)."""

    planned: int = 0
    executed: int = 0
    compiled: int = 0


PLANNER_FIGURES = PlannerFigures()


class _Plans:
    """A bounded LRU of compiled plans; None marks an operation that has none."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[PlanKey, Plan | None] = OrderedDict()

    def get(self, key: PlanKey) -> tuple[bool, Plan | None]:
        if key not in self.entries:
            return False, None
        self.entries.move_to_end(key)
        return True, self.entries[key]

    def put(self, key: PlanKey, plan: Plan | None) -> None:
        self.entries[key] = plan
        if len(self.entries) > self.size:
            self.entries.popitem(last=False)


# Per schema: a plan holds the fields of the schema it was compiled against.
_PLANS: WeakKeyDictionary[GraphQLSchema, _Plans] = WeakKeyDictionary()


def _plans_of(schema: GraphQLSchema) -> _Plans:
    plans = _PLANS.get(schema)
    if plans is None:
        plans = _PLANS[schema] = _Plans(PLAN_CACHE_SIZE)
    return plans


def plan_for(
    schema: GraphQLSchema,
    document: DocumentNode,
    query: str,
    operation_name: str | None,
    context: Any,
) -> Plan | None:
    """The cached plan of `query` (parsed as `document`) for the caller of `context` (the
    operation's context, a `GraphQLContext`), compiling it on first sight; None when it has
    none, when the caller is not authenticated or when the planner is turned off."""
    request = context_of_execution(context)
    if request is None or request.principal is None or not request.config.planned_execution:
        return None
    principal = request.principal
    key: PlanKey = (query, operation_name, principal.role, principal.scopes)
    plans = _plans_of(schema)
    found, plan = plans.get(key)
    if not found:
        plan = compile_operation(schema, document, operation_name, context)
        plans.put(key, plan)
        PLANNER_FIGURES.compiled += 1
    return plan


class PlannedExecution(SchemaExtension):
    """Answers a plannable operation from its plan; goes last, after every check of the
    operation has passed (limits, validation, input text)."""

    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        context = context_of_execution(execution.context)
        document = execution.graphql_document
        query = execution.query
        if context is None or document is None or query is None:
            yield
            return
        schema = graphql_core_schema(execution.schema)
        plan = plan_for(schema, document, query, execution.operation_name, execution.context)
        if plan is not None:
            try:
                data = await run_plan(plan, schema, context, execution.variables)
            except Exception:  # normal execution answers it, with its own error if any
                pass
            else:
                execution.result = ExecutionResult(data=data)
                context.planned = PlannedOperation(query, execution.operation_name, document)
                PLANNER_FIGURES.planned += 1
                yield
                return
        PLANNER_FIGURES.executed += 1
        yield
