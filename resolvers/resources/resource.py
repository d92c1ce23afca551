"""The shape of a resource descriptor: plain, immutable data that every surface reads.

A descriptor names a resource's table, id prefix, the column behind each GraphQL field, its
relations with their join keys and default order, its row scope (one SQL expression per
principal), soft delete, tenant or partner ownership, and which columns may be filtered and
sorted. Nothing here runs a query; loaders, `node(id:)`, cascading deletes and (later) the
planner compile SQL from it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from types import MappingProxyType
from typing import Any

from sqlalchemy import Column, ColumnElement, Table

from core.principals import Principal, Role
from db.base import Base
from db.ids import IdPrefix
from resolvers import access

Scope = Callable[[Principal], ColumnElement[bool]]


class OwnerKind(StrEnum):
    TENANT = "tenant"
    PARTNER = "partner"


@dataclass(frozen=True)
class Owner:
    """The row belongs to the tenant (or partner) named by `column`; its deletion cascades."""

    kind: OwnerKind
    column: str


@dataclass(frozen=True)
class Link:
    """A link table between two resources: `parent_column` matches the parent's key,
    `child_column` the target's."""

    table: str
    parent_column: str
    child_column: str


@dataclass(frozen=True)
class ResourceRelation:
    """A GraphQL relation field (`name`, as the Python attribute of the type) to `target`.

    The join is `parent.<parent_key> = target.<target_key>`, or through `link`:
    `parent.<parent_key> = link.<parent_column>` and `link.<child_column> = target.<target_key>`.
    `closure` marks a relation that follows a link transitively (nested groups); the target's
    scope and soft delete apply to every related row either way.
    """

    name: str
    target: str
    parent_key: str
    target_key: str
    many: bool
    order_by: tuple[str, ...] = ("id",)
    link: Link | None = None
    closure: bool = False


@dataclass(frozen=True)
class Shorthand:
    """A filter field that stands for one operator on another field: audit events'
    `since: T` is `createdAt: {gte: T}`. A timestamp without an offset is read as UTC, as
    the shorthand always read it (the operator itself refuses one)."""

    field: str
    operator: str
    description: str = ""


def columns(*names: str) -> Mapping[str, str]:
    """Fields read straight from the column of the same name."""
    return {name: name for name in names}


@dataclass(frozen=True)
class Resource:
    """One resource, declared once.

    `fields` maps each plain GraphQL field (the Python attribute name; GraphQL spells it in
    camelCase) to the column it reads; `computed` names the fields that have resolvers of
    their own and so read no single column. `scope` is the row rule when ownership alone
    does not say it; a tenant-owned resource without one is visible where its tenant is.
    """

    name: str
    model: type[Base]
    prefix: IdPrefix
    graphql_type: str
    fields: Mapping[str, str]
    owner: Owner | None
    soft_delete: bool
    scope: Scope | None = None
    relations: tuple[ResourceRelation, ...] = ()
    computed: frozenset[str] = frozenset()
    filterable: frozenset[str] = frozenset()
    sortable: frozenset[str] = frozenset({"id"})
    node: bool = True
    # Fields stored as text but holding one value of an enum: their filters take the enum.
    enums: Mapping[str, type[Enum]] = field(default_factory=dict)
    # What `search:` matches, case-insensitively, in this order.
    searchable: tuple[str, ...] = ()
    # What `countBy(field:)` may group by; `created_day` is the UTC day of `created_at`.
    groupable: frozenset[str] = frozenset()
    # Fields only some roles may read, with those roles; a field not named here is readable
    # by whoever may read the resource. Filtering, ordering or grouping on a field is refused
    # to a caller that may not read it, and search leaves it out.
    readable_by: Mapping[str, frozenset[Role]] = field(default_factory=dict)
    # The order of a list given no `orderBy` (`ID_ASC`, creation order, unless named here).
    default_order: tuple[str, ...] = ()
    # Filter fields standing for one operator on a filterable field, by GraphQL name.
    shorthands: Mapping[str, Shorthand] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Frozen all the way down: a plan compiled from a descriptor must not see it change.
        object.__setattr__(self, "fields", MappingProxyType(dict(self.fields)))
        object.__setattr__(self, "enums", MappingProxyType(dict(self.enums)))
        object.__setattr__(self, "readable_by", MappingProxyType(dict(self.readable_by)))
        object.__setattr__(self, "shorthands", MappingProxyType(dict(self.shorthands)))
        if self.scope is None and (self.owner is None or self.owner.kind is not OwnerKind.TENANT):
            # No default that shows every row: a resource says who may see it.
            raise ValueError(f"resource {self.name} needs a scope: it is not tenant-owned")

    @property
    def table(self) -> Table:
        table: Table = self.model.__table__  # type: ignore[assignment]
        return table

    def column(self, name: str) -> Column[Any]:
        column: Column[Any] = self.table.c[name]
        return column

    def visible(self, principal: Principal) -> ColumnElement[bool]:
        """The rows `principal` may see, as a WHERE clause over this resource's table."""
        if self.scope is not None:
            return self.scope(principal)
        assert self.owner is not None  # __post_init__ refuses an ownerless resource without scope
        return access.visible_tenant_ids(principal, self.column(self.owner.column))

    def readable(self, principal: Principal, name: str) -> bool:
        """Whether `principal` may read the field `name` (of a row it may see)."""
        roles = self.readable_by.get(name)
        return roles is None or principal.role in roles

    def relation(self, name: str) -> ResourceRelation:
        for relation in self.relations:
            if relation.name == name:
                return relation
        raise KeyError(f"{self.name} has no relation {name!r}")
