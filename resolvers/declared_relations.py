"""The loaders' statements for to-many relations, derived from the resource descriptors.

A `ResourceRelation` says how a parent reaches its target rows: `target.<target_key>` holds
the parent's id, or a link table does (`link.<parent_column>` the parent's id,
`link.<child_column>` the target's `<target_key>`). From that, the target's row scope and
its soft delete, `declared(parent, name)` builds the `Relation` that the page and count
loaders run, the relation prefetch and the planner fetch, one statement per parent batch:

    SESSIONS_BY_USER_ID = declared(resources.USER, "sessions")

A link table that is itself soft-deleted (a partner's users go through its live tenants)
counts only its live rows. Transitive (`closure`) relations are not derived: they need a
recursive statement of their own (`resolvers.group_closure`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, select

from core.principals import Principal
from db.base import Base
from resolvers.loaders.relations import Relation
from resolvers.resources import BY_NAME, Resource
from resolvers.resources.resource import ResourceRelation


def declared(parent: Resource, name: str) -> Relation:
    """The Relation of `parent`'s to-many relation `name`, as its descriptor declares it."""
    relation = parent.relation(name)
    if not relation.many or relation.closure or relation.parent_key != "id":
        raise ValueError(
            f"{parent.name}.{name}: only to-many relations keyed by the parent's id derive"
        )
    if len(relation.order_by) != 1:
        raise ValueError(f"{parent.name}.{name}: a derived relation orders by one column")
    target = BY_NAME[relation.target]

    def build(parent_ids: Sequence[str], principal: Principal) -> Select[Any]:
        return _statement(relation, target, parent_ids, principal)

    label = f"{parent.graphql_type}.{name}"
    return Relation(label, build, order_column=relation.order_by[0])


def _statement(
    relation: ResourceRelation, target: Resource, parent_ids: Sequence[str], principal: Principal
) -> Select[Any]:
    table = target.table
    conditions: list[ColumnElement[bool]] = [target.visible(principal)]
    if target.soft_delete:
        conditions.append(table.c.deleted_at.is_(None))
    if relation.link is None:
        parent_key = table.c[relation.target_key]
        return select(table, parent_key.label("parent_key")).where(
            parent_key.in_(parent_ids), *conditions
        )
    link = Base.metadata.tables[relation.link.table]
    parent_key = link.c[relation.link.parent_column]
    if "deleted_at" in link.c:
        conditions.append(link.c.deleted_at.is_(None))
    return (
        select(table, parent_key.label("parent_key"))
        .join(link, link.c[relation.link.child_column] == table.c[relation.target_key])
        .where(parent_key.in_(parent_ids), *conditions)
    )
