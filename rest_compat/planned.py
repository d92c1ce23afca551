"""A route's operation answered from the planner's plan, without executing GraphQL again.

A route's document is fixed, so it is parsed and validated once per process; a request binds
its variables to the plan the planner keeps for the caller's tier and runs it. Only a request
that every check of `schema.execute` would let through is answered here: the operation
limits (which read the variables and the caller) and the input text checks are asked first,
and anything they would refuse, an operation without a plan, or a plan run that gives up
(a refused argument, a row it cannot write, any error) is answered by `schema.execute`
instead, so its errors, audit events and labels are the ones it has always given.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from graphql import DocumentNode, get_operation_ast, parse, validate

from core.observation import current_observation
from resolvers.context import RequestContext
from schema.planner.direct import data_from_plan
from schema.schema import schema
from schema.strawberry_private import graphql_core_schema


@dataclass
class RestPlanFigures:
    """How many route operations of this process were answered from a plan directly."""

    direct: int = 0


REST_PLAN_FIGURES = RestPlanFigures()


@functools.cache
def _valid_document(document: str) -> DocumentNode | None:
    """The route's parsed document, or None when it does not validate (then `schema.execute`
    reports why)."""
    parsed = parse(document)
    return None if validate(graphql_core_schema(schema), parsed) else parsed


async def planned_data(
    document: str, variables: dict[str, Any], context: RequestContext
) -> dict[str, Any] | None:
    """The `data` of `document` run from its plan, or None to run it through the schema."""
    parsed = _valid_document(document)
    if parsed is None:
        return None
    operation = get_operation_ast(parsed, None)
    core_schema = graphql_core_schema(schema)
    data = await data_from_plan(core_schema, context, parsed, document, None, operation, variables)
    if data is None:
        return None
    observation = current_observation()
    if observation is not None and operation is not None:
        # The labels `OperationLabels` gives the same operation run through the schema.
        observation.operation_started()
        name = operation.name.value if operation.name else None
        observation.operation_validated(name, operation.operation.value)
    REST_PLAN_FIGURES.direct += 1
    return data
