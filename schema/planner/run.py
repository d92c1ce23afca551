"""Running a plan for one request: variables bound, one statement per root list (and one
count where `totalCount` is asked for), rows read as tuples and the response written in one
pass.

Argument checks are the resolvers' own (`Window.from_relay`: page size bounds and cursors).
A request that any check refuses, or whose rows would not serialize, raises `Unplannable`
and runs through normal execution, which answers it with the error it has always given.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import Any

from graphql import GraphQLSchema, Undefined
from graphql.execution.values import get_argument_values, get_variable_values
from sqlalchemy import ColumnElement, Select, func, select

from resolvers.context import RequestContext
from resolvers.errors import DomainError
from resolvers.pagination import Window, encode_cursor
from schema.planner.compile import TYPENAME, Leaf, Plan, RootListPlan, Unplannable


async def run_plan(
    plan: Plan, schema: GraphQLSchema, context: RequestContext, variables: dict[str, Any] | None
) -> dict[str, Any]:
    """The `data` of the response, or Unplannable."""
    coerced = get_variable_values(schema, plan.variable_definitions, variables or {})
    if isinstance(coerced, list):
        raise Unplannable
    bound: list[tuple[str, str | tuple[RootListPlan, Window, Select[Any]]]] = []
    for key, root in plan.roots:
        if isinstance(root, str):
            bound.append((key, root))
            continue
        arguments = get_argument_values(root.field, root.node, coerced)
        try:
            window = Window.from_relay(arguments.get("first"), arguments.get("after"))
        except DomainError as exc:
            raise Unplannable from exc
        bound.append((key, (root, window, _statement(root, context, arguments))))
    data: dict[str, Any] = {}
    for key, value in bound:
        if isinstance(value, str):
            data[key] = value
        else:
            data[key] = await _connection(context, *value)
    return data


def _statement(
    root: RootListPlan, context: RequestContext, arguments: dict[str, Any]
) -> Select[Any]:
    resource = root.root_list.resource
    table = resource.table
    conditions: list[ColumnElement[bool]] = []
    if resource.soft_delete:
        conditions.append(table.c.deleted_at.is_(None))
    conditions.append(resource.visible(context.actor))
    for argument, column in root.root_list.filters.items():
        value = arguments.get(argument)
        if value is not None:
            conditions.append(
                table.c[column] == (value.value if isinstance(value, Enum) else value)
            )
    return select(*(table.c[column] for column in root.columns)).where(*conditions)


async def _connection(
    context: RequestContext, root: RootListPlan, window: Window, statement: Select[Any]
) -> dict[str, Any]:
    table = root.root_list.resource.table
    async with context.read() as session:
        result = await session.execute(
            statement.order_by(table.c.id).offset(window.offset).limit(window.limit + 1)
        )
        rows = result.all()
        total = None
        if root.counts:
            counted = select(func.count()).select_from(statement.subquery())
            total = int((await session.execute(counted)).scalar_one())
    has_next = len(rows) > window.limit
    rows = rows[: window.limit]
    out: dict[str, Any] = {}
    for output in root.outputs:
        if output.kind == TYPENAME:
            out[output.key] = output.typename
        elif output.kind == "totalCount":
            out[output.key] = total
        elif output.kind == "pageInfo":
            out[output.key] = _page_info(output.page_info, output.typename, window, has_next, rows)
        else:
            out[output.key] = _nodes(root.leaves, rows)
    return out


def _page_info(
    selected: tuple[tuple[str, str], ...],
    typename: str | None,
    window: Window,
    has_next: bool,
    rows: Sequence[Any],
) -> dict[str, Any]:
    offset = window.offset
    values = {
        TYPENAME: typename,
        "hasNextPage": has_next,
        "hasPreviousPage": offset > 0,
        "startCursor": encode_cursor(offset) if rows else None,
        "endCursor": encode_cursor(offset + len(rows) - 1) if rows else None,
    }
    return {key: values[name] for key, name in selected}


def _nodes(leaves: tuple[Leaf, ...], rows: Sequence[Any]) -> list[dict[str, Any]]:
    written = []
    for row in rows:
        item: dict[str, Any] = {}
        for leaf in leaves:
            if leaf.typename is not None:
                item[leaf.key] = leaf.typename
                continue
            value = row[leaf.index]
            if value is None:
                if not leaf.nullable:  # the executor's non-null error, with its path
                    raise Unplannable
                item[leaf.key] = None
                continue
            coerced = leaf.coerce(value)
            if coerced is None or coerced is Undefined:
                raise Unplannable
            item[leaf.key] = coerced
        written.append(item)
    return written
