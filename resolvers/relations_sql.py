"""The one builder of relation statements: a relation's related rows for a whole level of
parents, compiled from the resource descriptors, paged, counted and grouped.

The page loaders of normal execution, the relation prefetch and the planner all select a
relation's rows through `DescribedRelation`; closures (effective members and groups) have
recursive statements of their own (`resolvers.group_closure`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    FromClause,
    Select,
    String,
    and_,
    any_,
    bindparam,
    case,
    func,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY

from core.principals import Principal
from resolvers.listing.filters import live_and_visible
from resolvers.listing.grouping import Grouping
from resolvers.listing.related import RelationListing
from resolvers.resources import Resource
from resolvers.resources.resource import ResourceRelation

PARENT_IDS = "parent_ids"
"""The parameter binding a level's parent ids."""


def live_children(
    table: FromClause, parent_key: ColumnElement[Any], *conditions: ColumnElement[bool]
) -> Select[Any]:
    return select(table, parent_key.label("parent_key")).where(
        table.c.deleted_at.is_(None), *conditions
    )


@dataclass(frozen=True)
class RelationColumns:
    """Where a page statement's columns are: the row's `width` columns first (those asked
    for, then any the order needs for cursors), then `parent_key`, `position`, and, when
    present, `total` and `past_cursor` at the indexes given."""

    names: tuple[str, ...]
    total: int | None
    past_cursor: int | None

    @property
    def width(self) -> int:
        return len(self.names)

    @property
    def parent_key(self) -> int:
        return self.width

    @property
    def position(self) -> int:
        return self.width + 1


@dataclass(frozen=True)
class DescribedRelation:
    """A relation read from its descriptors: `parent`'s `relation` to `target` rows.

    Every statement covers a whole level of parents at once: the parent ids are one
    parameter (`parent_ids`), an array compared with `= ANY(...)` on PostgreSQL, an
    expanding `IN` elsewhere. The related rows are the target's live rows the caller may
    see, ANDed with the connection's filter and search (`RelationListing`).
    """

    parent: Resource
    relation: ResourceRelation
    target: Resource

    @property
    def name(self) -> str:
        return f"{self.parent.graphql_type}.{self.relation.name}"

    @property
    def parent_column(self) -> str:
        """The parent row's column whose values the parent ids are."""
        return self.relation.parent_key

    def _keyed(self) -> tuple[FromClause, ColumnElement[Any]]:
        """The target table (joined to the link table, if any) and the column holding the
        parent's key on each of its rows."""
        table = self.target.table
        link = self.relation.link
        if link is None:
            return table, table.c[self.relation.target_key]
        link_table = table.metadata.tables[link.table]
        on = link_table.c[link.child_column] == table.c[self.relation.target_key]
        # A soft-deleted link row (a partner's deleted tenant) links nothing.
        if "deleted_at" in link_table.c:
            on = and_(on, link_table.c.deleted_at.is_(None))
        joined = table.join(link_table, on)
        return joined, link_table.c[link.parent_column]

    def _among(self, parent_key: ColumnElement[Any], dialect: str) -> ColumnElement[bool]:
        if dialect == "postgresql":
            return parent_key == any_(bindparam(PARENT_IDS, type_=ARRAY(String)))
        return parent_key.in_(bindparam(PARENT_IDS, expanding=True))

    def related(
        self, principal: Principal, listing: RelationListing | None, dialect: str
    ) -> Select[Any]:
        """Every target column and `parent_key`: the rows each parent's connection lists
        (scope, soft delete, filter and search), before any page."""
        joined, parent_key = self._keyed()
        conditions = [self._among(parent_key, dialect), live_and_visible(self.target, principal)]
        if listing is not None:
            conditions.append(listing.condition)
        return (
            select(self.target.table, parent_key.label("parent_key"))
            .select_from(joined)
            .where(*conditions)
        )

    def columns(
        self, listing: RelationListing, columns: Sequence[str] | None, *, counts: bool
    ) -> RelationColumns:
        """Where `pages(listing, columns, counts=…)` puts each column: `columns` (every
        column of the target when None), then those the order reads that they lack."""
        names = list(columns) if columns is not None else list(self.target.table.c.keys())
        names += [
            term.field.column.key
            for term in listing.request.order.terms
            if term.field.column.key not in names
        ]
        return _layout(names, listing, counts=counts)

    def pages(
        self,
        principal: Principal,
        listing: RelationListing,
        columns: Sequence[str] | None,
        *,
        counts: bool,
        dialect: str,
    ) -> Select[Any]:
        """Each parent's page of `listing` (in the order it is fetched: reversed for
        `last`/`before`), one row over, laid out as `columns(listing, columns)` says.

        The filter and search are in the WHERE clause with the scope. `count(*)` over the
        parent's partition counts those rows before any cursor, so `total` is what the
        filter keeps. The keyset condition of `after`/`before` comes next: in the WHERE
        clause, or, with totals, as a flag (`past_cursor`) partitioning the numbering, so
        that a parent whose rows all lie short of the cursor still has one row, flagged 0,
        carrying its total. Rows are numbered per parent (and flag) in the requested order,
        the id last; rows at or before an offset `skip`, and rows flagged 0, are not the
        page's."""
        layout = self.columns(listing, columns, counts=counts)
        table = self.target.table
        joined, parent_key = self._keyed()
        request = listing.request
        conditions = [
            self._among(parent_key, dialect),
            live_and_visible(self.target, principal),
            listing.condition,
        ]
        keyset = listing.keyset()
        selected: list[ColumnElement[Any]] = [table.c[name] for name in layout.names]
        selected.append(parent_key.label("parent_key"))
        partition: list[ColumnElement[Any]] = [parent_key]
        past: ColumnElement[Any] | None = None
        if keyset is not None and counts:
            past = case((keyset, 1), else_=0)
            partition.append(past)
        elif keyset is not None:
            conditions.append(keyset)
        order = request.order.clauses(request.backwards)
        selected.append(
            func.row_number().over(partition_by=partition, order_by=order).label("position")
        )
        if counts:
            selected.append(func.count().over(partition_by=parent_key).label("total"))
        if past is not None:
            selected.append(past.label("past_cursor"))
        inner = select(*selected).select_from(joined).where(*conditions).subquery()
        position = inner.c.position
        skip, size = request.skip, request.size
        wanted: ColumnElement[bool] = and_(position > skip, position <= skip + size + 1)
        if past is not None:
            # The first row of each partition too: it carries the total when the page has no
            # row (every row short of the cursor, or an offset window past them all).
            wanted = or_(and_(inner.c.past_cursor == 1, wanted), position == 1)
        elif counts and skip > 0:
            # A window past the first row also fetches each parent's first row, which
            # carries the total when the window itself is empty.
            wanted = or_(wanted, position == 1)
        return select(*inner.c).where(wanted).order_by(position)

    def counts(self, principal: Principal, listing: RelationListing, dialect: str) -> Select[Any]:
        """`(parent_key, count)` of each parent's listed rows (no cursor applies)."""
        rows = self.related(principal, listing, dialect).subquery()
        return select(rows.c.parent_key, func.count()).group_by(rows.c.parent_key)

    def groups(
        self,
        principal: Principal,
        listing: RelationListing,
        grouping: Grouping,
        dialect: str,
    ) -> Select[Any]:
        """`(parent_key, key, count)`: each parent's listed rows counted by `grouping`."""
        return grouping.per_parent(self.related(principal, listing, dialect))


def _layout(names: list[str], listing: RelationListing, *, counts: bool) -> RelationColumns:
    width = len(names)
    total = width + 2 if counts else None
    past = None
    if counts and listing.keyset() is not None:
        past = width + 3
    return RelationColumns(tuple(names), total, past)
