"""Statement builders shared by relations: live rows of a table, scoped to the principal, and
whole levels of a relation's pages compiled from the resource descriptors."""

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
    func,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY

from core.principals import Principal
from resolvers.resources import Resource
from resolvers.resources.resource import ResourceRelation


def live_children(
    table: FromClause, parent_key: ColumnElement[Any], *conditions: ColumnElement[bool]
) -> Select[Any]:
    return select(table, parent_key.label("parent_key")).where(
        table.c.deleted_at.is_(None), *conditions
    )


@dataclass(frozen=True)
class DescribedRelation:
    """A relation read from its descriptors: `parent`'s `relation` to `target` rows.

    Its statement (`pages`) selects, for a whole level of parents at once, the target's live
    rows the principal may see, one window per parent (numbered by `row_number()` over the
    parent's partition in the relation's order) and, when asked, each parent's total in the
    same statement (`count(*)` over the partition). Parent ids are one parameter: an array
    compared with `= ANY(...)` on PostgreSQL, an expanding `IN` elsewhere.
    """

    parent: Resource
    relation: ResourceRelation
    target: Resource

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

    def pages(
        self,
        principal: Principal,
        columns: Sequence[str],
        window: tuple[int, int],
        *,
        counts: bool,
        dialect: str,
    ) -> Select[Any]:
        """Rows `(*columns, parent_key, position[, total])` of every parent's window
        `(offset, limit)` (see `_wanted`), in `position` order; bind the parent ids as
        `parent_ids`."""
        table = self.target.table
        joined, parent_key = self._keyed()
        conditions = [self.target.visible(principal)]
        if self.target.soft_delete:
            conditions.append(table.c.deleted_at.is_(None))
        order = [table.c[name] for name in self.relation.order_by]
        selected: list[ColumnElement[Any]] = [table.c[name] for name in columns]
        numbered: list[ColumnElement[Any]] = [
            *selected,
            parent_key.label("parent_key"),
            func.row_number().over(partition_by=parent_key, order_by=order).label("position"),
        ]
        if counts:
            numbered.append(func.count().over(partition_by=parent_key).label("total"))
        if dialect == "postgresql":
            among = parent_key == any_(bindparam("parent_ids", type_=ARRAY(String)))
        else:
            among = parent_key.in_(bindparam("parent_ids", expanding=True))
        inner = select(*numbered).select_from(joined).where(among, *conditions).subquery()
        position = inner.c.position
        return select(*inner.c).where(_wanted(position, window, counts)).order_by(position)


def _wanted(
    position: ColumnElement[Any], window: tuple[int, int], counts: bool
) -> ColumnElement[bool]:
    """A parent's rows in `window`, the row after it and, with totals and a window past the
    first row, its first row, which carries the total when the window itself is empty."""
    offset, limit = window
    wanted = and_(position > offset, position <= offset + limit + 1)
    return or_(wanted, position == 1) if counts and offset > 0 else wanted
