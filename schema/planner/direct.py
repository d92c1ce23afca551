"""An operation answered straight from its plan, outside Strawberry's pipeline.

The lean GraphQL path (`gateway.lean_graphql`) and the REST routes (`rest_compat.planned`)
answer a document that already parsed and validated without executing it: what a planned
request still owes is checked here, for both, before its plan runs. The caller's plan (looked
up for its role and scopes), the operation limits on these variables, the input text rule on
them, then the plan itself; any of them saying no means the normal path must answer, with
the error it has always given.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

import orjson
from graphql import DocumentNode, GraphQLSchema, OperationDefinitionNode

from resolvers.context import RequestContext
from schema.context import GraphQLContext
from schema.input_text import refused_input
from schema.limits import limit_refusal
from schema.planner.extension import plan_for
from schema.planner.run import run_plan


async def data_from_plan(
    core_schema: GraphQLSchema,
    context: RequestContext,
    document: DocumentNode,
    query: str,
    operation_name: str | None,
    operation: OperationDefinitionNode | None,
    variables: dict[str, Any] | None,
) -> dict[str, Any] | None:
    """The operation's `data` from its plan, or None when the normal path must answer it."""
    plan = plan_for(core_schema, document, query, operation_name, GraphQLContext(context))
    if plan is None:
        return None
    if not _within_limits(core_schema, context, document, query, operation_name, variables):
        return None
    if refused_input(core_schema, document, operation, variables) is not None:
        return None
    try:
        # Both callers write the data with `core.json_bytes`, which writes datetimes itself.
        return await run_plan(plan, core_schema, context, variables, datetimes=True)
    except Exception:  # the normal path answers it, with its own error if any
        return None
    finally:
        # As at the end of an operation (`ReleaseLoaders`); the normal path gets new ones.
        context.release_loaders()


PASSED_LIMITS = 4096
# The calls that passed the operation limits: (document, operation name, limits, role,
# variables as sorted JSON). The limits' figures depend on nothing else (the caller only
# through its role's budget), so a call seen passing passes again without being measured.
_passed: OrderedDict[Hashable, None] = OrderedDict()


def _within_limits(
    core_schema: GraphQLSchema,
    context: RequestContext,
    document: DocumentNode,
    query: str,
    operation_name: str | None,
    variables: dict[str, Any] | None,
) -> bool:
    limits, principal = context.operation_limits, context.principal
    try:
        bound = orjson.dumps(variables, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        bound = None  # not JSON (no call sends such variables): measured every time
    role = principal.role if principal is not None else None
    key = (query, operation_name, limits, role, bound)
    if bound is not None and key in _passed:
        _passed.move_to_end(key)
        return True
    if limit_refusal(core_schema, document, operation_name, variables, limits, principal):
        return False
    if bound is not None:
        _passed[key] = None
        if len(_passed) > PASSED_LIMITS:
            _passed.popitem(last=False)
    return True
