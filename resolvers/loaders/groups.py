"""`countBy(field:)` on relation connections: each parent's listed rows (scope, filter and
search) counted by a field, for a whole batch of parents in one statement per distinct
listing (`GROUP BY parent_key, key`); a closure's rows, in one statement per batch."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from typing import Any

from resolvers.listing.grouping import GroupCount, Grouping
from resolvers.listing.related import RelationListing
from resolvers.loaders.batch import ListedKey, SharedLoader, by_listing
from resolvers.loaders.relations import Relation
from resolvers.reader import Reader
from resolvers.relations_sql import PARENT_IDS, DescribedRelation


class RelationGroupLoader(SharedLoader[ListedKey, list[GroupCount]]):
    """Per parent's connection, its listed rows counted by `grouping`."""

    def __init__(self, context: Reader, relation: DescribedRelation, grouping: Grouping) -> None:
        super().__init__()
        self.context = context
        self.relation = relation
        self.grouping = grouping

    async def batch_load_fn(self, keys: Sequence[ListedKey]) -> list[list[GroupCount]]:
        found: dict[ListedKey, list[tuple[Any, int]]] = defaultdict(list)
        principal = self.context.actor
        async with self.context.read() as session:
            dialect = session.get_bind().dialect.name
            for listing, parent_ids in by_listing(keys).items():
                statement = self.relation.groups(principal, listing, self.grouping, dialect)
                result = await session.execute(statement, {PARENT_IDS: parent_ids})
                for parent, key, count in result:
                    found[ListedKey(parent, listing)].append((key, count))
        return [self.grouping.keys(found.get(key, [])) for key in keys]


class RelationGroups:
    """A relation's group loaders, one per grouping, created when first asked for."""

    def __init__(self, context: Reader, relation: DescribedRelation) -> None:
        self.context = context
        self.relation = relation
        self._loaders: dict[Hashable, RelationGroupLoader] = {}

    async def load(
        self, parent_id: str, listing: RelationListing, grouping: Grouping
    ) -> list[GroupCount]:
        if grouping.key not in self._loaders:
            self._loaders[grouping.key] = RelationGroupLoader(self.context, self.relation, grouping)
        return await self._loaders[grouping.key].load(ListedKey(parent_id, listing))


class ClosureGroupLoader(SharedLoader[str, list[GroupCount]]):
    """Per parent id, the rows of its closure counted by `grouping`."""

    def __init__(self, context: Reader, relation: Relation, grouping: Grouping) -> None:
        super().__init__()
        self.context = context
        self.relation = relation
        self.grouping = grouping

    async def batch_load_fn(self, parent_ids: Sequence[str]) -> list[list[GroupCount]]:
        related = self.relation.build(sorted(set(parent_ids)), self.context.actor)
        by_parent: dict[str, list[tuple[Any, int]]] = defaultdict(list)
        async with self.context.read() as session:
            for parent, key, count in await session.execute(self.grouping.per_parent(related)):
                by_parent[parent].append((key, count))
        return [self.grouping.keys(by_parent.get(parent, [])) for parent in parent_ids]


class ClosureGroups:
    """A closure's group loaders, one per grouping, created when first asked for."""

    def __init__(self, context: Reader, relation: Relation) -> None:
        self.context = context
        self.relation = relation
        self._loaders: dict[Hashable, ClosureGroupLoader] = {}

    async def load(self, parent_id: str, grouping: Grouping) -> list[GroupCount]:
        if grouping.key not in self._loaders:
            self._loaders[grouping.key] = ClosureGroupLoader(self.context, self.relation, grouping)
        return await self._loaders[grouping.key].load(parent_id)
