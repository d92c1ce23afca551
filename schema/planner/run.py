"""Running a plan for one request: variables bound, rows fetched breadth-first, the response
written in one pass.

Each root list is one statement (and one count where `totalCount` is asked for), compiled by
`resolvers.listing` as its resolver's is (`root_pages.py`), its rows read as tuples. Relations
below are fetched a level at a time, one statement per relation and level compiled from the
descriptors (`resolvers.relations_sql.DescribedRelation`): every parent's page by a window
function, its total in the same statement when selected, the rows read as tuples. Closures
(effective members and groups) go through the request's relation loaders, as in normal
execution. The whole plan reads through one pooled connection, its statements prepared
once and run on the driver's connection (`db.prepared`).

Argument checks are the resolvers' own (`Window.from_relay`: page size bounds and cursors).
A request that any check refuses, or whose rows would not serialize, raises `Unplannable`
and runs through normal execution, which answers it with the error it has always given.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from graphql import GraphQLSchema
from graphql.execution.values import get_argument_values, get_variable_values
from sqlalchemy import Select, String, any_, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Dialect

from core.principals import Principal
from db.prepared import DriverReads, prepare
from resolvers.context import RequestContext
from resolvers.errors import DomainError
from resolvers.listing import cursors
from resolvers.listing.related import RelationListing
from resolvers.loaders.batch import RelationKey, RelationPage
from resolvers.loaders.relations import Relation
from resolvers.pagination import Window, encode_cursor
from resolvers.relations_sql import PARENT_IDS
from schema.planner.compile import (
    TYPENAME,
    ConnectionOutput,
    ConnectionShape,
    NodesPlan,
    Plan,
    RelationPlan,
    ToOnePlan,
    Unplannable,
)
from schema.planner.root_pages import (
    NamedRow,
    RootPage,
    bind_root,
    fetch_root,
    not_counted,
    prepared_by_shape,
)
from schema.planner.write import NodeWriter, node_writer

CursorOf = Callable[[Any], str]


class _Listed(NamedTuple):
    """A parent's page of a described relation, in order, as Relay describes it."""

    rows: list[Any]
    has_next: bool
    has_previous: bool
    cursor: CursorOf


@dataclass
class _Fetched:
    """Everything a request's plan read: relation arguments, pages and counts per parent."""

    # A closure's window; a described relation's checked listing arguments.
    windows: dict[RelationPlan, Window] = field(default_factory=dict)
    listings: dict[RelationPlan, RelationListing] = field(default_factory=dict)
    pages: dict[tuple[RelationPlan, str], RelationPage | _Listed] = field(default_factory=dict)
    counts: dict[tuple[RelationPlan, str], int] = field(default_factory=dict)
    # Rows of to-one targets by resource name and id, None where not visible.
    targets: dict[str, dict[Any, Any]] = field(default_factory=dict)
    # Whether UTC datetimes are left as they are (`node_writer`).
    datetimes: bool = False


async def run_plan(
    plan: Plan,
    schema: GraphQLSchema,
    context: RequestContext,
    variables: dict[str, Any] | None,
    *,
    datetimes: bool = False,
) -> dict[str, Any]:
    """The `data` of the response, or Unplannable. With `datetimes`, UTC datetimes are left
    as they are, for a caller that writes the data with `core.json_bytes`."""
    coerced = get_variable_values(schema, plan.variable_definitions, variables or {})
    if isinstance(coerced, list):
        raise Unplannable
    fetched = _Fetched(datetimes=datetimes)
    bound: list[tuple[str, str | RootPage]] = []
    for key, root in plan.roots(coerced.coerced):
        if isinstance(root, str):
            bound.append((key, root))
            continue
        arguments = get_argument_values(root.field, root.node, coerced)
        # Filters, orders, search and keyset pages, compiled as the resolver compiles them.
        bound.append((key, bind_root(root, context, arguments, _scope_of(context.actor))))
        _bind_relations(root.shape, coerced, context.actor, fetched)
    roots: list[tuple[str, Any]] = []
    level: list[tuple[NodesPlan, list[Any]]] = []
    async with context.driver_reads() as reads:
        for key, value in bound:
            if isinstance(value, str):
                roots.append((key, value))
                continue
            page = await fetch_root(reads, value)
            shape, rows = value.root.shape, page.rows
            window = Window(value.request.skip, value.request.size)
            written = (shape, rows, window, page.has_next, page.total, fetched)
            roots.append((key, (*written, value.cursor, page.has_previous)))
            level.extend((nodes, rows) for nodes in shape.node_sets if nodes.fetches)
        await _fetch_relations(context, reads, level, fetched)
    return {
        key: written if isinstance(written, str) else _connection(*written)
        for key, written in roots
    }


def _window(arguments: dict[str, Any]) -> Window:
    try:
        return Window.from_relay(arguments.get("first"), arguments.get("after"))
    except DomainError as exc:
        raise Unplannable from exc


def _bind_relations(
    shape: ConnectionShape, coerced: Any, principal: Principal, fetched: _Fetched
) -> None:
    for nodes in shape.node_sets:
        _bind_nodes(nodes, coerced, principal, fetched)


def _bind_nodes(nodes: NodesPlan, coerced: Any, principal: Principal, fetched: _Fetched) -> None:
    for relation in nodes.relations:
        arguments = get_argument_values(relation.target.field, relation.node, coerced)
        if relation.described is None:
            fetched.windows[relation] = _window(arguments)
        else:
            # Checked as the relation's resolver checks them: a refusal is its error.
            target = relation.described.target
            try:
                listing = RelationListing.of_arguments(target, principal, arguments)
            except DomainError as exc:
                raise Unplannable from exc
            fetched.listings[relation] = listing
        _bind_relations(relation.shape, coerced, principal, fetched)
    for to_one in nodes.to_ones:
        _bind_nodes(to_one.nodes, coerced, principal, fetched)


async def _fetch_relations(
    context: RequestContext,
    reads: DriverReads,
    level: list[tuple[NodesPlan, list[Any]]],
    fetched: _Fetched,
) -> None:
    """Pages (and counts) of every relation below `level`, and the rows of its to-one
    relations, then of the level below that: one statement per relation and level, the
    closures' through the relation loaders."""
    while level:
        parents: dict[RelationPlan, dict[Any, None]] = {}
        targets: dict[ToOnePlan, dict[Any, None]] = {}
        for nodes, rows in level:
            for relation in nodes.relations:
                keys = parents.setdefault(relation, {})
                for row in rows:
                    keys[relation.parent_key(row)] = None
            for to_one in nodes.to_ones:
                keys = targets.setdefault(to_one, {})
                for row in rows:
                    keys[to_one.parent_key(row)] = None
        level = []
        await _fetch_targets(reads, context, targets, fetched)
        for to_one, keys in targets.items():
            if to_one.nodes.fetches:
                found = fetched.targets[to_one.target.name]
                rows = [row for row in map(found.get, keys) if row is not None]
                level.append((to_one.nodes, rows))
        loading = [
            (relation, list(keys), *_load(context, relation, fetched.windows[relation], keys))
            for relation, keys in parents.items()
            if relation.described is None and keys
        ]
        for relation, keys in parents.items():
            if relation.described is not None and keys:
                await _select(reads, context, relation, list(keys), fetched)
                level.extend(_below(relation, fetched, keys))
        for relation, keys_, pages, counts in loading:
            loaded = await pages
            totals = await counts if counts is not None else None
            for index, (parent, page) in enumerate(zip(keys_, loaded, strict=True)):
                fetched.pages[relation, parent] = page
                if totals is not None:
                    fetched.counts[relation, parent] = totals[index]
            level.extend(_below(relation, fetched, keys_))


def _load(
    context: RequestContext, relation: RelationPlan, window: Window, keys: dict[Any, None]
) -> tuple[Any, Any]:
    """The loaders' futures of a closure's pages (and counts), requested without awaiting."""
    loaders = context.loaders
    closure = relation.target.relation
    assert isinstance(closure, Relation)
    wanted = [RelationKey(parent, window.offset, window.limit) for parent in keys]
    pages = loaders.closure_page(closure).load_many(wanted)
    counts = None
    if relation.shape.counts:
        counts = loaders.closure_count(closure).load_many(list(keys))
    return pages, counts


async def _select(
    reads: DriverReads,
    context: RequestContext,
    relation: RelationPlan,
    keys: list[Any],
    fetched: _Fetched,
) -> None:
    """One statement: every parent's page of `relation` (and its total, if selected)."""
    described = relation.described
    assert described is not None
    listing = fetched.listings[relation]
    counts = relation.shape.counts
    principal = context.actor
    dialect = reads.dialect

    def build() -> Select[Any]:
        return described.pages(
            principal, listing, relation.columns, counts=counts, dialect=dialect.name
        )

    values = {PARENT_IDS: keys}
    if listing.plain:
        # Rows that depend only on the page's size and offset: the statement is kept.
        statement = relation.statements.get(
            (_scope_of(principal), listing.key, dialect), lambda: prepare(build(), dialect)
        )
        fetched_rows = await reads.rows(statement, values)
    else:
        # Filters, orders, cursors: built per request, the SQL text found by its shape.
        statement, extracted = prepared_by_shape(build(), dialect)
        fetched_rows = await reads.rows(statement, values, extracted)
    layout = described.columns(listing, relation.columns, counts=counts)
    parent_at, position_at, total_at = layout.parent_key, layout.position, layout.total
    past_at = layout.past_cursor
    skip = listing.request.skip
    pages: dict[Any, list[Any]] = {}
    totals = fetched.counts
    for row in fetched_rows:
        parent = row[parent_at]
        rows = pages.get(parent)
        if rows is None:
            rows = pages[parent] = []
            if total_at is not None:
                totals[relation, parent] = row[total_at]
        # A row short of the cursor, or before an offset's window, only carries the total.
        if past_at is not None and row[past_at] == 0:
            continue
        if row[position_at] > skip:
            rows.append(row)
    request = listing.request
    positions = {key: index for index, key in enumerate(statement.columns)}

    def cursor(row: Any) -> str:
        return cursors.encode(request.order, NamedRow(row, positions))

    for parent in keys:
        page = request.page(pages.get(parent, []), not_counted)
        fetched.pages[relation, parent] = _Listed(
            page.rows, page.has_next, page.has_previous, cursor
        )
        if counts:
            totals.setdefault((relation, parent), 0)


async def _fetch_targets(
    reads: DriverReads,
    context: RequestContext,
    targets: dict[ToOnePlan, dict[Any, None]],
    fetched: _Fetched,
) -> None:
    """One statement per target resource of the level's to-one relations, for the ids not
    read at a level above: the rows the caller may see (the `by_id` loader's rule: the
    target's scope, live rows only), `id` first; an id without a row is remembered as None."""
    wanted: dict[str, tuple[ToOnePlan, dict[Any, None]]] = {}
    for to_one, keys in targets.items():
        found = fetched.targets.setdefault(to_one.target.name, {})
        _, ids = wanted.setdefault(to_one.target.name, (to_one, {}))
        ids.update((key, None) for key in keys if key is not None and key not in found)
    for name, (to_one, ids) in wanted.items():
        if not ids:
            continue
        dialect = reads.dialect
        statement = to_one.reader.statements.get(
            (_scope_of(context.actor), dialect),
            lambda: prepare(_target_rows(to_one, context.actor, dialect), dialect),  # noqa: B023 (called here)
        )
        rows = await reads.rows(statement, {"ids": list(ids)})
        found = fetched.targets[name]
        found.update(dict.fromkeys(ids))
        found.update((row[0], row) for row in rows)


def _target_rows(to_one: ToOnePlan, principal: Principal, dialect: Dialect) -> Select[Any]:
    """The statement of a to-one target's rows by id (bound as `ids`), `id` first."""
    target = to_one.target
    table = target.table
    if dialect.name == "postgresql":
        among = table.c.id == any_(bindparam("ids", type_=ARRAY(String)))
    else:
        among = table.c.id.in_(bindparam("ids", expanding=True))
    conditions = [among, target.visible(principal)]
    if target.soft_delete:
        conditions.append(table.c.deleted_at.is_(None))
    columns = [table.c[column] for column in to_one.reader.columns]
    return select(*columns).where(*conditions)


def _scope_of(principal: Principal) -> tuple[Any, ...]:
    """What the descriptors' row scopes read of a principal (`resolvers.access`): a
    statement built for one caller serves every caller with the same scope."""
    return (principal.role, principal.partner_id, principal.tenant_id, principal.scopes)


def _below(
    relation: RelationPlan, fetched: _Fetched, keys: Iterable[Any]
) -> list[tuple[NodesPlan, list[Any]]]:
    """The next level: the rows of `relation`'s pages, for the relations selected below them."""
    children = [row for parent in keys for row in fetched.pages[relation, parent].rows]
    return [(below, children) for below in relation.shape.node_sets if below.fetches]


def _cursor(keyset: CursorOf | None, position: int, row: Any) -> str:
    """The row's cursor: its keyset cursor for a list that pages by keys (the text the
    resolvers give, from one function), its offset cursor otherwise."""
    return keyset(row) if keyset is not None else encode_cursor(position)


def _connection(
    shape: ConnectionShape,
    rows: Sequence[Any],
    window: Window,
    has_next: bool,
    total: int | None,
    fetched: _Fetched,
    keyset: CursorOf | None = None,
    has_previous: bool | None = None,
) -> dict[str, Any]:
    """A connection's response; `has_previous` defaults to whether the window starts past
    the first row."""
    if has_previous is None:
        has_previous = window.offset > 0
    out: dict[str, Any] = {}
    for output in shape.outputs:
        if output.kind == TYPENAME:
            out[output.key] = output.typename
        elif output.kind == "totalCount":
            out[output.key] = total
        elif output.kind == "pageInfo":
            out[output.key] = _page_info(output, window, has_next, has_previous, rows, keyset)
        elif output.kind == "nodes":
            write = _writer(shape.node_sets[output.node_set], fetched)
            out[output.key] = [write(row, fetched) for row in rows]
        else:
            out[output.key] = _edges(output, shape, window, rows, fetched, keyset)
    return out


def _page_info(
    output: ConnectionOutput,
    window: Window,
    has_next: bool,
    has_previous: bool,
    rows: Sequence[Any],
    keyset: CursorOf | None,
) -> dict[str, Any]:
    offset = window.offset
    last = offset + len(rows) - 1
    values = {
        TYPENAME: output.typename,
        "hasNextPage": has_next,
        "hasPreviousPage": has_previous,
        "startCursor": _cursor(keyset, offset, rows[0]) if rows else None,
        "endCursor": _cursor(keyset, last, rows[-1]) if rows else None,
    }
    return {key: values[name] for key, name in output.selected}


def _edges(
    output: ConnectionOutput,
    shape: ConnectionShape,
    window: Window,
    rows: Sequence[Any],
    fetched: _Fetched,
    keyset: CursorOf | None,
) -> list[dict[str, Any]]:
    written = []
    write = _writer(shape.node_sets[output.node_set], fetched) if output.node_set >= 0 else None
    for position, row in enumerate(rows, start=window.offset):
        edge: dict[str, Any] = {}
        for key, name in output.selected:
            if name == TYPENAME:
                edge[key] = output.typename
            elif name == "cursor":
                edge[key] = _cursor(keyset, position, row)
            elif write is not None:
                edge[key] = write(row, fetched)
        written.append(edge)
    return written


def _writer(nodes: NodesPlan, fetched: _Fetched) -> NodeWriter:
    """The function writing a node of `nodes` from its row (`schema.planner.write`)."""
    return node_writer(nodes, _relation_of, _to_one_of, datetimes=fetched.datetimes)


def _relation_of(relation: RelationPlan, row: Any, fetched: _Fetched) -> dict[str, Any]:
    """A node's relation connection: its page of `relation`."""
    parent = relation.parent_key(row)
    page = fetched.pages[relation, parent]
    total = fetched.counts.get((relation, parent))
    if isinstance(page, _Listed):
        return _connection(
            relation.shape,
            page.rows,
            _KEYSET_WINDOW,
            page.has_next,
            total,
            fetched,
            page.cursor,
            page.has_previous,
        )
    window = fetched.windows[relation]
    return _connection(relation.shape, page.rows, window, page.has_next, total, fetched)


# Keyset pages have no offset: their edges and page info take cursors from the rows.
_KEYSET_WINDOW = Window(0, 0)


def _to_one_of(to_one: ToOnePlan, row: Any, fetched: _Fetched) -> dict[str, Any] | None:
    """A node's to-one relation: its target's node, or null where the caller may not see it."""
    target = fetched.targets[to_one.target.name].get(to_one.parent_key(row))
    return None if target is None else _writer(to_one.nodes, fetched)(target, fetched)
