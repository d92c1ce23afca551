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
from schema.context import GraphQLContext
from schema.input_text import refused_input
from schema.limits import limit_refusal
from schema.planner import plan_for, run_plan
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
    core_schema = graphql_core_schema(schema)
    operation_context = GraphQLContext(context)
    plan = plan_for(core_schema, parsed, document, None, operation_context)
    if plan is None:
        return None
    limits, principal = context.operation_limits, context.principal
    if limit_refusal(core_schema, parsed, None, variables, limits, principal) is not None:
        return None
    operation = get_operation_ast(parsed, None)
    if refused_input(core_schema, parsed, operation, variables) is not None:
        return None
    try:
        data = await run_plan(plan, core_schema, context, variables)
    except Exception:  # the schema answers it, with its own error if any
        return None
    finally:
        # As at the end of an operation (`ReleaseLoaders`); the schema's run gets new ones.
        context.release_loaders()
    observation = current_observation()
    if observation is not None and operation is not None:
        # The labels `OperationLabels` gives the same operation run through the schema.
        observation.operation_started()
        name = operation.name.value if operation.name else None
        observation.operation_validated(name, operation.operation.value)
    REST_PLAN_FIGURES.direct += 1
    return data
