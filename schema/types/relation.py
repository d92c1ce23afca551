"""Relation fields: a connection over a relation, declared in one line on the type.

    tenants = relation_field(TENANTS_BY_PARTNER_ID, connections.TenantConnection)

A relation of the descriptors (`resolvers.relations_sql.DescribedRelation`) takes what a
root list takes: `filter`, `orderBy`, `search` (where its target has searchable fields),
`first`/`after` and `last`/`before`, with keyset cursors. A closure (effective members and
groups, `resolvers.loaders.relations.Relation`) takes `first`/`after`, offset cursors.

The resolver is synchronous. Rows of a list are prefetched level by level
(`schema.prefetch`), so it usually returns the page already stored on its row; a row that
was not prefetched (from a single-object field or a mutation) gets its page loaded, batched
with its siblings', and what is selected below it prefetched in turn.

It runs once per row, so `resolve_relations_directly` hands it to graphql-core as is, past
Strawberry's per-call wrapper (an `Info` and an argument conversion per call, which cost
more than the resolver itself). Relation fields carry no extensions, so nothing is skipped.
graphql-core passes the arguments by their GraphQL names, inputs as plain dictionaries:
what `resolvers.listing` compiles.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import strawberry
from graphql import GraphQLResolveInfo, GraphQLSchema

from resolvers.loaders.relations import Relation
from resolvers.relations_sql import DescribedRelation
from schema.connection import (
    Connection,
    connection_from_closure,
    connection_from_relation,
)
from schema.context import request_context
from schema.prefetch import prefetch_below, stored_page
from schema.prefetch.registry import RELATION, relation_fields
from schema.strawberry_private import resolve_info
from schema.types.filters import filter_type, order_type, plain, search_description

RelationResolver = Callable[..., Any]
AnyRelation = DescribedRelation | Relation


def relation_field(relation: AnyRelation, type_: Any, *, description: str | None = None) -> Any:
    """A field resolving to its row's page of `relation`; `type_` is the Connection type."""
    resolve = _strawberry_resolver(relation)
    resolve.__annotations__ = {**_arguments(relation), "return": type_}
    return strawberry.field(
        resolver=resolve,
        graphql_type=type_,
        description=description,
        metadata={RELATION: relation},
    )


def _arguments(relation: AnyRelation) -> dict[str, Any]:
    """The field's arguments (Python names) and their types."""
    page: dict[str, Any] = {
        "root": strawberry.Parent[Any],  # type: ignore[misc]
        "info": strawberry.Info,
        "first": int | None,
        "after": str | None,
    }
    if isinstance(relation, Relation):
        return page
    target = relation.target
    listed: dict[str, Any] = {
        "filter": filter_type(target) | None,
        "order_by": list.__class_getitem__(order_type(target)) | None,
    }
    if target.searchable:
        description = search_description(target)
        listed["search"] = Annotated[str | None, strawberry.argument(description=description)]
    return {**page, **listed, "last": int | None, "before": str | None}


def _strawberry_resolver(relation: AnyRelation) -> RelationResolver:
    """The resolver Strawberry declares the field's arguments from. Execution goes through
    `relation_resolver` (see above); this one serves a schema whose resolvers were not
    replaced, passing the arguments on as graphql-core would."""
    direct = relation_resolver(relation)

    def closure(root: Any, info: Any, first: Any = None, after: Any = None) -> Any:
        return direct(root, resolve_info(info), first=first, after=after)

    def listed(
        root: Any,
        info: Any,
        first: Any = None,
        after: Any = None,
        filter: Any = None,
        order_by: Any = None,
        last: Any = None,
        before: Any = None,
    ) -> Any:
        arguments = {"filter": plain(filter), "orderBy": order_by, "last": last, "before": before}
        return direct(root, resolve_info(info), first=first, after=after, **arguments)

    def searched(
        root: Any,
        info: Any,
        first: Any = None,
        after: Any = None,
        filter: Any = None,
        order_by: Any = None,
        search: Any = None,
        last: Any = None,
        before: Any = None,
    ) -> Any:
        arguments = {"filter": plain(filter), "orderBy": order_by, "search": search}
        return direct(
            root,
            resolve_info(info),
            first=first,
            after=after,
            last=last,
            before=before,
            **arguments,
        )

    if isinstance(relation, Relation):
        return closure
    return searched if relation.target.searchable else listed


def relation_resolver(relation: AnyRelation) -> RelationResolver:
    """A graphql-core resolver for a field over `relation`: a Connection or an awaitable one."""
    if isinstance(relation, Relation):
        return _closure_resolver(relation)
    parent_column = relation.parent_column

    def resolve(root: Any, info: GraphQLResolveInfo, **arguments: Any) -> Any:
        listing = request_context(info).loaders.listing(relation, arguments)
        page = stored_page(root, relation.name, listing)
        if page is None:
            parent_id = getattr(root, parent_column)
            return _load(
                info, relation, connection_from_relation(info, relation, parent_id, listing)
            )
        return _resume(page.connection) if page.resume else page.connection

    return resolve


def _closure_resolver(relation: Relation) -> RelationResolver:
    def resolve(
        root: Any, info: GraphQLResolveInfo, first: int | None = None, after: str | None = None
    ) -> Any:
        page = stored_page(root, relation.name, (first, after))
        if page is None:
            return _load(
                info, relation, connection_from_closure(info, relation, root.id, first, after)
            )
        return _resume(page.connection) if page.resume else page.connection

    return resolve


def resolve_relations_directly(schema: GraphQLSchema) -> None:
    for target in relation_fields(schema).values():
        target.field.resolve = relation_resolver(target.relation)


async def _load(
    info: GraphQLResolveInfo, relation: AnyRelation, loading: Awaitable[Connection[Any]]
) -> Connection[Any]:
    """`loading`'s connection (a page of `relation`), with what its nodes select below."""
    connection: Connection[Any] = await loading
    await prefetch_below(info, connection.nodes)
    return connection


async def _resume(connection: Connection[Any]) -> Connection[Any]:
    return connection
