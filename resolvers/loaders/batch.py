"""The loader classes: by id, paged relation, relation count."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, NamedTuple, Protocol, TypeVar

from aiodataloader import DataLoader
from sqlalchemy import ColumnElement, Table, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.principals import Principal
from resolvers.loaders.relations import Relation
from resolvers.rows import lean


class Reader(Protocol):
    """What a loader needs of its request (a `RequestContext`): whose rows it may read, and a
    session of its own for each batch, since loaders dispatch concurrently."""

    @property
    def actor(self) -> Principal: ...

    def read(self) -> AbstractAsyncContextManager[AsyncSession]: ...


class RelationKey(NamedTuple):
    parent_id: str
    offset: int
    limit: int


class RelationPage(NamedTuple):
    rows: list[Any]
    has_next: bool


K = TypeVar("K")
V = TypeVar("V")


class SharedLoader(DataLoader[K, V]):
    """A loader whose callers each await their own view of a key's shared future.

    graphql-core cancels the sibling fields of a non-null field that fails, and a task
    cancelled while it awaits a future cancels that future: without the shield, every other
    field waiting for the same key (another root field, say) would be cancelled with it and
    the request would end in `CancelledError` instead of an answer.
    """

    def load(self, key: K) -> asyncio.Future[V]:
        return asyncio.shield(super().load(key))


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


class RelationPageLoader(SharedLoader[RelationKey, RelationPage]):
    """One window of a relation per parent; one statement per distinct window in a batch."""

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


class RelationCountLoader(SharedLoader[str, int]):
    """How many related rows each parent has (within the principal's scope)."""

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
