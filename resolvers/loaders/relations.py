"""Closures as composable statements, one per parent batch.

A closure (a group's effective members, a user's effective groups) follows a link
transitively, so its statement is its own recursive one (`resolvers.group_closure`) rather
than the descriptors' (`resolvers.relations_sql.DescribedRelation`, which every other
relation uses). Its statement selects the child rows plus a `parent_key` column for a batch
of parent ids; the closure loaders page it per parent with a window function.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select

from core.principals import Principal

RelationStatement = Callable[[Sequence[str], Principal], Select[Any]]


@dataclass(frozen=True)
class Relation:
    """`build(parent_ids, principal)` selects scoped child rows labelled with `parent_key`."""

    name: str
    build: RelationStatement
    order_column: str = "id"
