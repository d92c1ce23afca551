"""`countBy(field:)` on relation connections: each parent's related rows counted by a field,
for a whole batch of parents in one statement (`GROUP BY parent_key, key`).

What to count by comes from the caller as a `Grouping` (`resolvers.listing.grouping`
provides one from a resource's descriptor), so loaders stay below the listing compiler.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from typing import Any, Protocol

from aiodataloader import DataLoader
from sqlalchemy import Select

from resolvers.loaders.batch import Reader
from resolvers.loaders.relations import Relation


class Grouping(Protocol):
    @property
    def key(self) -> Hashable: ...

    def per_parent(self, related: Select[Any]) -> Select[Any]:
        """`(parent_key, key, count)` rows over `related` (rows with a `parent_key`)."""
        ...

    def keys(self, counted: Sequence[Any]) -> list[Any]:
        """One parent's `(key, count)` rows as the answer."""
        ...


class RelationGroupLoader(DataLoader[str, list[Any]]):
    """Per parent id, its related rows (within the caller's scope) counted by `grouping`."""

    def __init__(self, context: Reader, relation: Relation, grouping: Grouping) -> None:
        super().__init__()
        self.context = context
        self.relation = relation
        self.grouping = grouping

    async def batch_load_fn(self, parent_ids: Sequence[str]) -> list[list[Any]]:
        related = self.relation.build(sorted(set(parent_ids)), self.context.actor)
        by_parent: dict[str, list[tuple[Any, int]]] = defaultdict(list)
        async with self.context.read() as session:
            for parent, key, count in await session.execute(self.grouping.per_parent(related)):
                by_parent[parent].append((key, count))
        return [self.grouping.keys(by_parent.get(parent, [])) for parent in parent_ids]


class RelationGroups:
    """A relation's group loaders, one per grouping, created when first asked for."""

    def __init__(self, context: Reader, relation: Relation) -> None:
        self.context = context
        self.relation = relation
        self._loaders: dict[Hashable, RelationGroupLoader] = {}

    async def load(self, parent_id: str, grouping: Grouping) -> list[Any]:
        if grouping.key not in self._loaders:
            self._loaders[grouping.key] = RelationGroupLoader(self.context, self.relation, grouping)
        return await self._loaders[grouping.key].load(parent_id)
