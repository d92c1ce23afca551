"""The SQL statements of a nested query do not grow with the number of rows."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.app_settings import settings_changed
from tests.conftest import GraphQLClient
from tests.databases import empty_all_tables
from tests.factories import create_group, create_partner, create_tenant, create_user, nest_group
from tests.tokens import Tokens

NESTED = """
{
  partners(first: 50) {
    totalCount
    nodes {
      id name
      tenants(first: 50) {
        totalCount
        nodes {
          id name
          users(first: 50) {
            totalCount
            nodes {
              id email
              groups(first: 50) { nodes { id name } }
              effectiveGroups(first: 50) { totalCount nodes { id } }
            }
          }
          groups(first: 50) {
            nodes { id children { nodes { id } } effectiveMembers { totalCount } }
          }
        }
      }
    }
  }
}
"""


async def _seed(sessions: async_sessionmaker[AsyncSession], size: int) -> None:
    for _ in range(size):
        partner = await create_partner(sessions)
        for _ in range(size):
            tenant = await create_tenant(sessions, partner=partner)
            users = [await create_user(sessions, tenant=tenant) for _ in range(size)]
            parent = await create_group(sessions, tenant=tenant, members=tuple(users[:1]))
            for _ in range(size):
                child = await create_group(sessions, tenant=tenant, members=tuple(users))
                await nest_group(sessions, parent=parent, child=child)


async def _statements_for(
    size: int,
    app_engine: object,
    sessions: async_sessionmaker[AsyncSession],
    gql: GraphQLClient,
    token: str,
) -> tuple[int, int]:
    await empty_all_tables(app_engine)  # type: ignore[arg-type]
    await _seed(sessions, size)
    result = await gql(NESTED, token=token)
    assert "errors" not in result, result.get("errors")
    partners = result["data"]["partners"]
    assert partners["totalCount"] == size
    users = partners["nodes"][0]["tenants"]["nodes"][0]["users"]["nodes"]
    assert len(users) == size
    # every user is in every child group, and so effectively in the parent as well
    assert users[0]["effectiveGroups"]["totalCount"] == size + 1
    return result["_statements"], len(str(result))


class TestNestedQueryStatementCount:
    async def test_is_the_same_for_small_and_large_data(
        self,
        app: object,
        sessions: async_sessionmaker[AsyncSession],
        gql: GraphQLClient,
        tokens: Tokens,
    ) -> None:
        token = tokens.super_admin()
        engine = app.state.engine  # type: ignore[attr-defined]

        # Pages of 50 four levels deep: far over the default cost budget, on purpose.
        assert isinstance(app, FastAPI)
        with settings_changed(app, limit_cost_super_admin=100_000_000):
            small, small_size = await _statements_for(2, engine, sessions, gql, token)
            large, large_size = await _statements_for(4, engine, sessions, gql, token)

        assert large_size > 4 * small_size  # the larger answer really is larger
        assert small == large
        assert 0 < small <= 16
