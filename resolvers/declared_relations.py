"""The to-many relations of the graph, derived from the resource descriptors.

A `ResourceRelation` says how a parent reaches its target rows: `target.<target_key>` holds
the parent's id, or a link table does (`link.<parent_column>` the parent's id,
`link.<child_column>` the target's `<target_key>`). `declared(parent, name)` is the
`DescribedRelation` that the page, count and group loaders, the relation prefetch and the
planner all select through:

    SESSIONS_BY_USER_ID = declared(resources.USER, "sessions")

A link table that is itself soft-deleted (a partner's users go through its live tenants)
counts only its live rows. Transitive (`closure`) relations are not derived: they need a
recursive statement of their own (`resolvers.group_closure`).
"""

from __future__ import annotations

from resolvers.relations_sql import DescribedRelation
from resolvers.resources import BY_NAME, Resource


def declared(parent: Resource, name: str) -> DescribedRelation:
    """The relation `name` of `parent`, as its descriptor declares it."""
    relation = parent.relation(name)
    if not relation.many or relation.closure:
        raise ValueError(f"{parent.name}.{name}: only to-many relations that are not closures")
    return DescribedRelation(parent, relation, BY_NAME[relation.target])
