"""Relation fields: a connection over a `Relation`, declared in one line on the type.

    tenants = relation_field(TENANTS_BY_PARTNER_ID, Connection[Tenant])

The resolver is synchronous. Rows of a list are prefetched level by level
(`schema.prefetch`), so it usually returns the page already stored on its row; a row that
was not prefetched (from a single-object field or a mutation) gets its page loaded, batched
with its siblings', and what is selected below it prefetched in turn.

It runs once per row, so `resolve_relations_directly` hands it to graphql-core as is, past
Strawberry's per-call wrapper (an `Info` and an argument conversion per call, which cost
more than the resolver itself). Relation fields carry no extensions, so nothing is skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from graphql import GraphQLResolveInfo, GraphQLSchema

from resolvers.loaders.relations import Relation
from schema.connection import Connection, connection_from_relation
from schema.prefetch import prefetch_below, stored_page
from schema.prefetch.registry import RELATION, relation_fields
from schema.strawberry_private import resolve_info

RelationResolver = Callable[..., Any]


def relation_field(relation: Relation, type_: Any, *, description: str | None = None) -> Any:
    """A field resolving to its row's page of `relation`; `type_` is the Connection type."""
    direct = relation_resolver(relation)

    def resolve(
        root: strawberry.Parent[Any],
        info: strawberry.Info,
        first: int | None = None,
        after: str | None = None,
    ) -> Any:
        return direct(root, resolve_info(info), first, after)

    return strawberry.field(
        resolver=resolve,
        graphql_type=type_,
        description=description,
        metadata={RELATION: relation},
    )


def relation_resolver(relation: Relation) -> RelationResolver:
    """A graphql-core resolver for a field over `relation`: a Connection or an awaitable one."""

    def resolve(
        root: Any, info: GraphQLResolveInfo, first: int | None = None, after: str | None = None
    ) -> Any:
        page = stored_page(root, relation, first, after)
        if page is None:
            return _load(info, relation, root.id, first, after)
        return _resume(page.connection) if page.resume else page.connection

    return resolve


def resolve_relations_directly(schema: GraphQLSchema) -> None:
    for target in relation_fields(schema).values():
        target.field.resolve = relation_resolver(target.relation)


async def _load(
    info: GraphQLResolveInfo,
    relation: Relation,
    parent_id: str,
    first: int | None,
    after: str | None,
) -> Connection[Any]:
    connection = await connection_from_relation(info, relation, parent_id, first, after)
    await prefetch_below(info, connection.nodes)
    return connection


async def _resume(connection: Connection[Any]) -> Connection[Any]:
    return connection
