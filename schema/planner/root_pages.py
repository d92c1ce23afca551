"""A planned root list's page, compiled by `resolvers.listing` as its resolver's is.

The list's `filter`, `orderBy`, `search` and its own filter arguments (`tenantId`, …) become
the same statement `resolvers.listing.select_listed` gives the resolver (the caller's scope
ANDed), narrowed to the plan's columns plus the order's, and paged by the same
`PageRequest`: keyset `after`/`before`, `first`/`last`, offset cursors. Cursors are
`cursors.encode` of each row in the order, so planned and executed answers are the same
bytes. Anything the compiler refuses raises `Unplannable`, and normal execution answers it
with its error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import partial
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.elements import ClauseElement

from db.prepared import DriverReads, Prepared, prepare
from resolvers.context import RequestContext
from resolvers.errors import DomainError
from resolvers.listing import Listing, PageRequest, cursors, select_listed
from resolvers.listing.pages import total_of
from schema.planner.compile import RootListPlan, Unplannable


@dataclass(frozen=True)
class RootPage:
    """A root list bound to one request's arguments: its statement and its page request.

    A page is bound once per (root list, caller's row scope, arguments) where the arguments
    are plain values (`_arguments_key`), and kept with the plan: the same request again
    runs the statements it prepared (`statements`) without building them again."""

    root: RootListPlan
    listed: Select[Any]
    request: PageRequest
    positions: Mapping[str, int]  # a row's column index by column key
    statements: dict[Any, tuple[Prepared, Sequence[Any] | None]] = field(
        default_factory=dict, compare=False
    )

    def cursor(self, row: Any) -> str:
        return cursors.encode(self.request.order, NamedRow(row, self.positions))


class NamedRow:
    """A tuple row read by column key, as `cursors.encode` reads a row."""

    __slots__ = ("positions", "row")

    def __init__(self, row: Any, positions: Mapping[str, int]) -> None:
        self.row = row
        self.positions = positions

    def __getattr__(self, name: str) -> Any:
        try:
            return self.row[self.positions[name]]
        except KeyError as exc:
            raise AttributeError(name) from exc


@dataclass(frozen=True)
class FetchedRootPage:
    rows: list[Any]
    has_next: bool
    has_previous: bool
    total: int | None


def bind_root(
    root: RootListPlan, context: RequestContext, arguments: dict[str, Any], scope: Any
) -> RootPage:
    """The page `arguments` ask of `root` for a caller whose row scope is `scope`."""
    key = _arguments_key(arguments)
    if key is None:
        return _bind(root, context, arguments)
    page: RootPage = root.pages.get((scope, key), lambda: _bind(root, context, arguments))
    return page


def _arguments_key(arguments: Mapping[str, Any]) -> tuple[Any, ...] | None:
    """The arguments as a key when every value is a plain value (null, a boolean, number,
    text or enum member, or a list of them); None otherwise (input objects)."""
    items = []
    for name in sorted(arguments):
        value = _plain(arguments[name])
        if value is _NOT_PLAIN:
            return None
        items.append((name, value))
    return tuple(items)


_NOT_PLAIN = object()
_PLAIN = (type(None), bool, int, float, str)


def _plain(value: Any) -> Any:
    if isinstance(value, (*_PLAIN, Enum)):
        return (type(value), value)
    if isinstance(value, list | tuple):
        items = tuple(_plain(item) for item in value)
        return _NOT_PLAIN if _NOT_PLAIN in items else items
    return _NOT_PLAIN


def _bind(root: RootListPlan, context: RequestContext, arguments: dict[str, Any]) -> RootPage:
    resource = root.root_list.resource
    table = resource.table
    actor = context.actor
    order_by = arguments.get("orderBy")
    listing = Listing(
        filter=arguments.get("filter"),
        search=arguments.get("search"),
        order_by=list(order_by) if order_by is not None else None,
    )
    conditions: list[ColumnElement[bool]] = []
    for argument, column in root.root_list.filters.items():
        value = arguments.get(argument)
        if value is not None:
            conditions.append(
                table.c[column] == (value.value if isinstance(value, Enum) else value)
            )
    try:
        order = listing.order(resource, actor)
        request = PageRequest.from_relay(
            order,
            arguments.get("first"),
            arguments.get("after"),
            arguments.get("last"),
            arguments.get("before"),
        )
        listed = select_listed(resource, actor, listing, *conditions)
    except DomainError as exc:
        raise Unplannable from exc
    # The plan's columns first (positions its readers use), then any the order needs.
    columns = [table.c[name] for name in root.columns]
    columns += [t.field.column for t in order.terms if t.field.column.key not in root.columns]
    positions = {column.key: index for index, column in enumerate(columns)}
    return RootPage(root, listed.with_only_columns(*columns), request, positions)


async def fetch_root(reads: DriverReads, bound: RootPage) -> FetchedRootPage:
    """The page's rows and, where `totalCount` is selected, its total: counted by the page's
    own statement, in a last column (`PageRequest.counted_statement`), so one round trip
    answers both. A page that fetched no row carries no total: it is counted by a
    statement of its own."""
    request, listed = bound.request, bound.listed
    total = None
    if bound.root.shape.counts:
        fetched = await _rows(reads, bound, "counted", partial(request.counted_statement, listed))
        if fetched:
            total = int(fetched[0][-1])
        else:
            counted = await _rows(reads, bound, "count", lambda: select(total_of(listed)))
            total = int(counted[0][0])
    else:
        fetched = await _rows(reads, bound, "page", partial(request.statement, listed))
    page = request.page(fetched, not_counted)
    return FetchedRootPage(list(page.rows), page.has_next, page.has_previous, total)


async def _rows(
    reads: DriverReads, bound: RootPage, which: str, build: Callable[[], ClauseElement]
) -> list[Any]:
    """The rows of the page's `which` statement, prepared on first use for this dialect."""
    key = (which, reads.dialect)
    found = bound.statements.get(key)
    if found is None:
        found = bound.statements[key] = prepared_by_shape(build(), reads.dialect)
    prepared, extracted = found
    return await reads.rows(prepared, {}, extracted)


# Per dialect, statements prepared by SQLAlchemy's cache key: requests whose arguments bind
# statements of one shape with other values (another cursor, another filter value) share
# the SQL text, given their own values.
_PREPARED: WeakKeyDictionary[Dialect, dict[Any, Prepared]] = WeakKeyDictionary()
_PREPARED_SIZE = 512


def prepared_by_shape(
    statement: ClauseElement, dialect: Dialect
) -> tuple[Prepared, Sequence[Any] | None]:
    """`statement` prepared for `dialect`, shared with every statement of its shape, and the
    values of its own bind parameters to run it with (None: its own, when just prepared)."""
    cache_key = statement._generate_cache_key()
    if cache_key is None:
        return prepare(statement, dialect), None
    prepared = _PREPARED.setdefault(dialect, {})
    found = prepared.get(cache_key.key)
    if found is None:
        if len(prepared) >= _PREPARED_SIZE:
            prepared.clear()
        found = prepared[cache_key.key] = prepare(statement, dialect, cache_key)
        return found, None
    return found, cache_key.bindparams


async def not_counted() -> int:
    raise AssertionError("a planned page's total is counted with its rows")
