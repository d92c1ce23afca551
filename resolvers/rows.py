"""Lean read rows: plain attribute bags instead of SQLAlchemy `Row`s.

GraphQL execution asks every list item whether it is awaitable (`hasattr(item, "__await__")`);
on a `Row` each such miss raises and handles an exception inside SQLAlchemy (about 4% of a
nested query's profile). A `SimpleNamespace` answers the same question without one.

The attributes are the result's keys zipped with each row's values: going through
`Result.mappings()` instead builds a `RowMapping` per row and looks every key up in it,
which took more than twice as long.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from sqlalchemy.engine import Result


def lean(result: Result[Any]) -> list[SimpleNamespace]:
    keys = tuple(result.keys())
    if len(set(keys)) != len(keys):
        # Two columns of one name: the mapping refuses the ambiguous key, as it should.
        return [SimpleNamespace(**mapping) for mapping in result.mappings()]
    return [SimpleNamespace(**dict(zip(keys, row, strict=False))) for row in result]


def lean_counted(result: Result[Any]) -> tuple[list[SimpleNamespace], int | None]:
    """The rows of a page statement whose last column is its list's total
    (`resolvers.listing.pages.total_of`), without that column, and the total (None when
    there are no rows to carry it)."""
    keys = tuple(result.keys())[:-1]
    rows = result.all()
    total = int(rows[0][-1]) if rows else None
    if len(set(keys)) != len(keys):
        raise ValueError(f"a page statement selects two columns of one name: {keys}")
    return [SimpleNamespace(**dict(zip(keys, row[:-1], strict=True))) for row in rows], total
