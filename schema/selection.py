"""What a field's selection asks for, read before its value is fetched.

A root list's resolver reads whether its connection selects `totalCount`, so that its page
statement counts the total too (one round trip instead of two). The selection is collected
by the planner's collector (`schema.planner.collect.Collector`: fragments expanded,
`@skip`/`@include` evaluated with the request's variables), so a request counts in its page
statement exactly when its plan would. A selection the collector does not take is counted
as before, by a second statement when `totalCount` is read.
"""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import get_named_type

from resolvers.listing import Relay
from schema.planner.collect import Collector, Uncollectable
from schema.strawberry_private import resolve_info


def page_relay(
    info: strawberry.Info[Any, Any],
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Relay:
    """A root list's page arguments, counted when its connection selects `totalCount`."""
    return Relay(first, after, last, before, counted=_selects_total(info))


def _selects_total(info: strawberry.Info[Any, Any]) -> bool:
    raw = resolve_info(info)
    values: Any = getattr(raw.variable_values, "coerced", raw.variable_values)
    conditions = {name: value for name, value in values.items() if isinstance(value, bool)}
    collector = Collector(raw.fragments, conditions)
    type_name = get_named_type(raw.return_type).name
    try:
        return any(
            field.name.value == "totalCount"
            for node in raw.field_nodes
            for _, field in collector.fields(node.selection_set, type_name)
        )
    except Uncollectable:
        return False
