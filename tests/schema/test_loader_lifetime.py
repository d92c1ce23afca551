"""What an operation loaded is freed when it ends, by reference counting, not left in
reference cycles that only a full garbage collection would free."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.principals import Principal, Role
from resolvers import resources
from resolvers.context import RequestContext
from resolvers.loaders.batch import RelationCountLoader, RelationPage, RelationPageLoader
from resolvers.loaders.registry import Loaders
from schema.connection import Connection
from tests.conftest import GraphQLClient
from tests.factories import create_group, create_partner, create_tenant, create_user
from tests.tokens import Tokens, bearer

NESTED = """
{ partners(first: 10) { totalCount nodes { id
    tenants(first: 10) { totalCount nodes { id
      users(first: 10) { nodes { id email
        groups(first: 5) { totalCount nodes { id name } } } } } } } } }
"""

# What a nested operation builds per loaded page; none of it may outlive the operation.
PER_OPERATION = (Loaders, RelationPageLoader, RelationCountLoader, RelationPage, Connection)


@contextmanager
def cyclic_garbage() -> Iterator[list[object]]:
    """Collects nothing while the block runs, then yields (in the list) what a collection
    found unreachable: objects that reference counting could not free."""
    found: list[object] = []
    gc.collect()
    gc.disable()
    try:
        yield found
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        found.extend(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()


async def seed_tree(sessions: async_sessionmaker[AsyncSession]) -> None:
    for _ in range(2):
        partner = await create_partner(sessions)
        for _ in range(2):
            tenant = await create_tenant(sessions, partner=partner)
            users = [await create_user(sessions, tenant=tenant) for _ in range(3)]
            await create_group(sessions, tenant=tenant, members=tuple(users[:2]))


def left_behind(garbage: list[object]) -> list[str]:
    return sorted({type(item).__name__ for item in garbage if isinstance(item, PER_OPERATION)})


class TestNestedQuery:
    async def test_frees_its_loaders_pages_and_connections_when_it_ends(
        self,
        db: None,
        sessions: async_sessionmaker[AsyncSession],
        gql: GraphQLClient,
        tokens: Tokens,
    ) -> None:
        # given
        await seed_tree(sessions)

        # when
        with cyclic_garbage() as garbage:
            body = await gql(NESTED, token=tokens.super_admin())

        # then
        assert body["_status"] == 200, body
        partners = body["data"]["partners"]["nodes"]
        assert [len(p["tenants"]["nodes"]) for p in partners] == [2, 2]
        assert left_behind(garbage) == []


class TestRestPage:
    async def test_frees_what_its_operation_loaded_when_it_ends(
        self,
        db: None,
        sessions: async_sessionmaker[AsyncSession],
        http: httpx.AsyncClient,
        tokens: Tokens,
    ) -> None:
        # given
        await seed_tree(sessions)

        # when
        with cyclic_garbage() as garbage:
            response = await http.get(
                "/api/v1/admin/tenants?per_page=100", headers=bearer(tokens.super_admin())
            )

        # then
        assert response.status_code == 200, response.text
        assert len(response.json()["data"]) == 4
        assert left_behind(garbage) == []


class TestRequestContext:
    async def test_its_loaders_are_freed_with_it(
        self, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        # given
        context = RequestContext(
            principal=Principal(role=Role.SUPER_ADMIN, subject="usr_super"), sessions=sessions
        )
        loaders = context.loaders
        assert loaders.by_id(resources.PARTNER) is loaders.by_id(resources.PARTNER)
        freed = weakref.ref(loaders)
        del loaders

        # when
        with cyclic_garbage() as garbage:
            del context

        # then
        assert freed() is None
        assert left_behind(garbage) == []
