"""The loader classes: by id, a relation's pages and counts (described relations, by their
listing arguments), and a closure's pages and counts (by offset windows)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Table, and_, func, select

from core.principals import Principal
from resolvers.listing.related import RelationListing
from resolvers.loaders.relations import Relation
from resolvers.reader import Reader
from resolvers.relations_sql import PARENT_IDS, DescribedRelation
from resolvers.rows import lean
from resolvers.shared_loader import SharedLoader

__all__ = [
    "ClosureCountLoader",
    "ClosurePageLoader",
    "ListedKey",
    "Reader",
    "RelationCountLoader",
    "RelationKey",
    "RelationPage",
    "RelationPageLoader",
    "RowByIdLoader",
    "SharedLoader",
    "by_listing",
]


class RelationKey(NamedTuple):
    """A closure's page: `limit` rows after `offset` of the parent's related rows."""

    parent_id: str
    offset: int
    limit: int


class RelationPage(NamedTuple):
    rows: list[Any]
    has_next: bool


class RowByIdLoader(SharedLoader[str, Any]):
    """Rows of one table the principal may see, by id: live (not soft-deleted) ones, unless the
    table keeps every row (audit events, SSO sessions are never deleted)."""

    def __init__(
        self,
        context: Reader,
        table: Table,
        scope: Callable[[Principal], ColumnElement[bool]],
        *,
        soft_deleted: bool = True,
    ) -> None:
        super().__init__()
        self.context = context
        self.table = table
        self.scope = scope
        self.soft_deleted = soft_deleted

    async def batch_load_fn(self, keys: Sequence[str]) -> list[Any]:
        clauses = [self.table.c.id.in_(keys), self.scope(self.context.actor)]
        if self.soft_deleted:
            clauses.insert(1, self.table.c.deleted_at.is_(None))
        statement = select(self.table).where(*clauses)
        async with self.context.read() as session:
            rows = {row.id: row for row in lean(await session.execute(statement))}
        return [rows.get(key) for key in keys]


class ListedKey(NamedTuple):
    """A parent's connection of a described relation, asked with `listing`."""

    parent_id: str
    listing: RelationListing


def by_listing(keys: Sequence[ListedKey]) -> dict[RelationListing, list[str]]:
    """The parent ids of each distinct listing, sorted, once each."""
    by_listing: dict[RelationListing, set[str]] = defaultdict(set)
    for key in keys:
        by_listing[key.listing].add(key.parent_id)
    return {listing: sorted(ids) for listing, ids in by_listing.items()}


class RelationPageLoader(SharedLoader[ListedKey, list[Any]]):
    """Each parent's page of a described relation, as fetched (one row over, reversed for
    `last`/`before`): one statement per distinct listing in a batch, whatever the parents."""

    def __init__(self, context: Reader, relation: DescribedRelation) -> None:
        super().__init__()
        self.context = context
        self.relation = relation

    async def batch_load_fn(self, keys: Sequence[ListedKey]) -> list[list[Any]]:
        found: dict[ListedKey, list[Any]] = defaultdict(list)
        principal = self.context.actor
        async with self.context.read() as session:
            dialect = session.get_bind().dialect.name
            for listing, parent_ids in by_listing(keys).items():
                statement = self.relation.pages(
                    principal, listing, None, counts=False, dialect=dialect
                )
                result = await session.execute(statement, {PARENT_IDS: parent_ids})
                for row in lean(result):
                    found[ListedKey(row.parent_key, listing)].append(row)
        return [found.get(key, []) for key in keys]


class RelationCountLoader(SharedLoader[ListedKey, int]):
    """How many rows each parent's connection lists (its `totalCount`: scope, filter and
    search; no cursor): one `GROUP BY parent_key` statement per distinct listing."""

    def __init__(self, context: Reader, relation: DescribedRelation) -> None:
        super().__init__()
        self.context = context
        self.relation = relation

    async def batch_load_fn(self, keys: Sequence[ListedKey]) -> list[int]:
        counts: dict[ListedKey, int] = {}
        principal = self.context.actor
        async with self.context.read() as session:
            dialect = session.get_bind().dialect.name
            for listing, parent_ids in by_listing(keys).items():
                statement = self.relation.counts(principal, listing, dialect)
                result = await session.execute(statement, {PARENT_IDS: parent_ids})
                for parent, n in result:
                    counts[ListedKey(parent, listing)] = int(n)
        return [counts.get(key, 0) for key in keys]


class ClosurePageLoader(SharedLoader[RelationKey, RelationPage]):
    """One window of a closure per parent; one statement per distinct window in a batch."""

    def __init__(self, context: Reader, relation: Relation) -> None:
        super().__init__()
        self.context = context
        self.relation = relation

    async def batch_load_fn(self, keys: Sequence[RelationKey]) -> list[RelationPage]:
        by_window: dict[tuple[int, int], list[str]] = defaultdict(list)
        for key in keys:
            by_window[(key.offset, key.limit)].append(key.parent_id)
        found: dict[RelationKey, list[Any]] = defaultdict(list)
        principal = self.context.actor
        async with self.context.read() as session:
            for (offset, limit), parent_ids in by_window.items():
                inner = self.relation.build(sorted(set(parent_ids)), principal).subquery()
                position = (
                    func.row_number()
                    .over(
                        partition_by=inner.c.parent_key,
                        order_by=inner.c[self.relation.order_column],
                    )
                    .label("position")
                )
                numbered = select(inner, position).subquery()
                statement = (
                    select(numbered)
                    .where(
                        and_(
                            numbered.c.position > offset,
                            numbered.c.position <= offset + limit + 1,
                        )
                    )
                    .order_by(numbered.c.parent_key, numbered.c.position)
                )
                for row in lean(await session.execute(statement)):
                    found[RelationKey(row.parent_key, offset, limit)].append(row)
        pages = []
        for key in keys:
            rows = found.get(key, [])
            pages.append(RelationPage(rows=rows[: key.limit], has_next=len(rows) > key.limit))
        return pages


class ClosureCountLoader(SharedLoader[str, int]):
    """How many rows each parent's closure holds (within the principal's scope)."""

    def __init__(self, context: Reader, relation: Relation) -> None:
        super().__init__()
        self.context = context
        self.relation = relation

    async def batch_load_fn(self, keys: Sequence[str]) -> list[int]:
        inner = self.relation.build(sorted(set(keys)), self.context.actor).subquery()
        statement = select(inner.c.parent_key, func.count()).group_by(inner.c.parent_key)
        async with self.context.read() as session:
            counts = {parent: int(n) for parent, n in await session.execute(statement)}
        return [counts.get(key, 0) for key in keys]
