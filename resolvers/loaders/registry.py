"""Loaders are created lazily, once per request, through this registry on the context."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from resolvers.listing.related import RelationListing
from resolvers.loaders.batch import (
    ClosureCountLoader,
    ClosurePageLoader,
    Reader,
    RelationCountLoader,
    RelationPageLoader,
    RowByIdLoader,
)
from resolvers.loaders.groups import ClosureGroups, RelationGroups
from resolvers.loaders.relations import Relation
from resolvers.relations_sql import DescribedRelation
from resolvers.resources import Resource


class Loaders:
    def __init__(self, context: Reader) -> None:
        self._context = context
        self._cache: dict[Any, Any] = {}

    def by_id(self, resource: Resource) -> RowByIdLoader:
        """Rows of `resource` the caller may see, by id; one loader per resource and request."""
        key = ("by_id", resource.name)
        if key not in self._cache:
            # The scope takes the principal rather than closing over this registry, which
            # holds the loaders: a closure here would be a reference cycle.
            self._cache[key] = RowByIdLoader(
                self._context,
                resource.table,
                resource.visible,
                soft_deleted=resource.soft_delete,
            )
        loader: RowByIdLoader = self._cache[key]
        return loader

    def listing(self, relation: DescribedRelation, arguments: Mapping[str, Any]) -> RelationListing:
        """A relation connection's arguments (by GraphQL name), checked for the caller once per
        request: the field's resolver runs once per parent row, with the same arguments."""
        # Keyed by the text of the values as graphql-core coerced them (plain dictionaries,
        # lists, scalars and enum members), cheaper than normalising them for every row: equal
        # arguments written alike share an entry, and the listings themselves compare by
        # their normalised key, so parents asking the same page still batch together.
        key = ("listing", relation.name, repr(arguments))
        found: RelationListing | None = self._cache.get(key)
        if found is None:
            found = RelationListing.of_arguments(relation.target, self._context.actor, arguments)
            self._cache[key] = found
        return found

    def page(self, relation: DescribedRelation) -> RelationPageLoader:
        """Pages of a described relation, by parent and listing arguments."""
        key = ("page", relation.name)
        if key not in self._cache:
            self._cache[key] = RelationPageLoader(self._context, relation)
        loader: RelationPageLoader = self._cache[key]
        return loader

    def count(self, relation: DescribedRelation) -> RelationCountLoader:
        key = ("count", relation.name)
        if key not in self._cache:
            self._cache[key] = RelationCountLoader(self._context, relation)
        loader: RelationCountLoader = self._cache[key]
        return loader

    def groups(self, relation: DescribedRelation) -> RelationGroups:
        """`countBy` over `relation`, batched across the parents of a request."""
        key = ("groups", relation.name)
        if key not in self._cache:
            self._cache[key] = RelationGroups(self._context, relation)
        groups: RelationGroups = self._cache[key]
        return groups

    def closure_page(self, relation: Relation) -> ClosurePageLoader:
        """Offset windows of a closure (effective members, effective groups)."""
        key = ("closure_page", relation.name)
        if key not in self._cache:
            self._cache[key] = ClosurePageLoader(self._context, relation)
        loader: ClosurePageLoader = self._cache[key]
        return loader

    def closure_count(self, relation: Relation) -> ClosureCountLoader:
        key = ("closure_count", relation.name)
        if key not in self._cache:
            self._cache[key] = ClosureCountLoader(self._context, relation)
        loader: ClosureCountLoader = self._cache[key]
        return loader

    def closure_groups(self, relation: Relation) -> ClosureGroups:
        key = ("closure_groups", relation.name)
        if key not in self._cache:
            self._cache[key] = ClosureGroups(self._context, relation)
        groups: ClosureGroups = self._cache[key]
        return groups
