"""A route's operation answered from the planner's plan, without executing GraphQL again.

A route's document is fixed, so it is parsed and validated once per process (for the routes
the lean REST path answers, at start-up: `planned_routes`); a request binds its variables to
the plan the planner keeps for the caller's tier and runs it. Only a request that every check
of `schema.execute` would let through is answered here: the operation limits (which read the
variables and the caller) and the input text checks are asked first, and anything they would
refuse, an operation without a plan, or a plan run that gives up (a refused argument, a row
it cannot write, any error) is answered by `schema.execute` instead, so its errors, audit
events and labels are the ones it has always given.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    OperationDefinitionNode,
    OperationType,
    get_operation_ast,
    parse,
    validate,
)
from starlette.routing import compile_path

from core.observation import current_observation
from resolvers.context import RequestContext
from rest_compat.table import Route, Shape
from schema.planner.direct import data_from_plan
from schema.planner.root_lists import ROOT_LISTS
from schema.schema import schema
from schema.strawberry_private import graphql_core_schema


@dataclass
class RestPlanFigures:
    """How many route operations of this process were answered from a plan directly."""

    direct: int = 0


REST_PLAN_FIGURES = RestPlanFigures()


@dataclass(frozen=True)
class RouteOperation:
    """A route's document, parsed and valid, with its one operation and that one's labels."""

    document: DocumentNode
    operation: OperationDefinitionNode
    label_name: str | None
    label_type: str


@functools.cache
def route_operation(document: str) -> RouteOperation | None:
    """The route's operation, or None when its document does not validate (then
    `schema.execute` reports why)."""
    parsed = parse(document)
    if validate(graphql_core_schema(schema), parsed):
        return None
    operation = get_operation_ast(parsed, None)
    if operation is None:
        return None
    name = operation.name.value if operation.name else None
    return RouteOperation(parsed, operation, name, operation.operation.value)


async def planned_data(
    document: str, variables: dict[str, Any], context: RequestContext
) -> dict[str, Any] | None:
    """The `data` of `document` run from its plan, or None to run it through the schema."""
    compiled = route_operation(document)
    if compiled is None:
        return None
    core_schema = graphql_core_schema(schema)
    data = await data_from_plan(
        core_schema, context, compiled.document, document, None, compiled.operation, variables
    )
    if data is None:
        return None
    observation = current_observation()
    if observation is not None:
        # The labels `OperationLabels` gives the same operation run through the schema.
        observation.operation_started()
        observation.operation_validated(compiled.label_name, compiled.label_type)
    REST_PLAN_FIGURES.direct += 1
    return data


def plannable(route: Route) -> bool:
    """Whether the route's operation is a query of the planner's root lists only (whether a
    caller gets a plan still depends on its tier)."""
    compiled = route_operation(route.document)
    if compiled is None or compiled.operation.operation is not OperationType.QUERY:
        return False
    selections = compiled.operation.selection_set.selections
    return all(isinstance(node, FieldNode) and node.name.value in ROOT_LISTS for node in selections)


def planned_routes(prefix: str, routes: list[Route]) -> dict[str, Route]:
    """The GET routes of a table that read no body, have a plannable operation and a path
    without parameters, by their full path: those a request may be matched to by its path
    alone. A path an earlier GET route of the table also matches (`/users/{id}` before
    `/users/me`) is left out, since the router would give it to that one."""
    found: dict[str, Route] = {}
    earlier: list[Route] = []
    for route in routes:
        if route.method != "GET":
            continue
        full = prefix + route.path
        shadowed = any(compile_path(prefix + e.path)[0].match(full) for e in earlier)
        earlier.append(route)
        if (
            shadowed
            or route.path_parameters
            or route.body_input is not None
            or route.shape not in (Shape.PAGE, Shape.ITEM)
            or not plannable(route)
        ):
            continue
        found[full] = route
    return found
