"""Relations prefetched level by level answer exactly as when resolved field by field."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import schema.prefetch.levels
import schema.types.relation
from db.models import Partner, Tenant
from resolvers.pagination import encode_cursor
from tests.app_settings import settings_changed
from tests.conftest import GraphQLClient
from tests.factories import (
    create_application,
    create_group,
    create_partner,
    create_tenant,
    create_user,
    nest_group,
)
from tests.tokens import Tokens

DASHBOARD = """
query Dashboard($tenants: Int, $after: String, $withApps: Boolean!, $skipMembers: Boolean!) {
  partners(first: 10) {
    totalCount
    nodes {
      ...PartnerCard
      few: tenants(first: 1) { nodes { id } pageInfo { hasNextPage endCursor } }
    }
  }
}

fragment PartnerCard on Partner {
  id
  name
  tenants(first: $tenants) {
    totalCount
    edges {
      cursor
      node {
        ... on Tenant { id slug }
        ...TenantDetail
        applications @include(if: $withApps) { totalCount nodes { id name } }
      }
    }
  }
}

fragment TenantDetail on Tenant {
  users(first: 2) {
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    nodes {
      ... on Node { id }
      email
      groups {
        totalCount
        nodes { id name members @skip(if: $skipMembers) { nodes { id } } }
      }
      later: groups(first: 1, after: $after) { nodes { id } }
      effectiveGroups(first: 5) {
        totalCount
        nodes { id children { nodes { id } } parents { nodes { id name } } }
      }
    }
  }
  groups {
    nodes {
      id
      effectiveMembers(first: 3) {
        totalCount
        nodes {
          id
          effectiveGroups { nodes { id members(first: 1) { nodes { email } } } }
        }
      }
      ... on Group { children { nodes { name } } }
    }
  }
}
"""

TENANT_TREE = """
query ($id: ID!) {
  tenant(id: $id) {
    users { nodes { id groups { nodes { id members { nodes { id } } } } } }
  }
}
"""

SCOPED_TENANTS = """
{
  tenants {
    nodes {
      id
      users { nodes { id effectiveGroups { nodes { id effectiveMembers { totalCount } } } } }
    }
  }
}
"""

BAD_PAGES = """
query ($size: Int, $cursor: String) {
  partners {
    nodes {
      id
      tenants {
        nodes {
          id
          users(first: $size) { nodes { id } }
          groups(after: $cursor) { nodes { id } }
          applications(first: 101) { nodes { id } }
        }
      }
    }
  }
}
"""

FieldByField = Callable[[], AbstractContextManager[None]]


@pytest.fixture(autouse=True)
def roomy_limits(app: FastAPI) -> Iterator[None]:
    """Deep pages of everything: over the default depth and cost budgets, on purpose."""
    with settings_changed(
        app,
        limit_max_depth=20,
        limit_cost_super_admin=100_000_000,
        limit_cost_partner_admin=100_000_000,
    ):
        yield


@pytest.fixture
def field_by_field(monkeypatch: pytest.MonkeyPatch) -> FieldByField:
    """A block in which no field is known as a relation: nothing is prefetched and every
    relation field loads its own page, as before prefetching existed."""

    @contextmanager
    def switch() -> Iterator[None]:
        with monkeypatch.context() as patch:
            patch.setattr(schema.prefetch.levels, "relation_fields", lambda _schema: {})
            yield

    return switch


@pytest.fixture
def fallback_loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The relation pages loaded by a resolver itself (not prefetched), by relation name."""
    loads: list[str] = []
    load = schema.types.relation._load

    def counted(info: Any, relation: Any, *args: Any) -> Any:
        loads.append(relation.name)
        return load(info, relation, *args)

    monkeypatch.setattr(schema.types.relation, "_load", counted)
    return loads


async def _seed(sessions: async_sessionmaker[AsyncSession]) -> tuple[Partner, Tenant]:
    """Two partners with two tenants each: users in nested groups, and applications."""
    first_partner: Partner | None = None
    first_tenant: Tenant | None = None
    for _ in range(2):
        partner = await create_partner(sessions)
        first_partner = first_partner or partner
        for _ in range(2):
            tenant = await create_tenant(sessions, partner=partner)
            first_tenant = first_tenant or tenant
            users = [await create_user(sessions, tenant=tenant) for _ in range(3)]
            parent = await create_group(sessions, tenant=tenant, members=tuple(users[:1]))
            for i in range(2):
                child = await create_group(sessions, tenant=tenant, members=tuple(users[i:]))
                await nest_group(sessions, parent=parent, child=child)
            await create_application(sessions, tenant=tenant)
    assert first_partner is not None and first_tenant is not None
    return first_partner, first_tenant


def _answer(result: dict[str, Any]) -> dict[str, Any]:
    """Data and errors, errors in path order (siblings may fail in any order)."""
    errors = sorted(result.get("errors", []), key=lambda e: [str(p) for p in e.get("path", [])])
    return {"data": result["data"], "errors": errors}


async def _both_ways(
    gql: GraphQLClient,
    field_by_field: FieldByField,
    query: str,
    variables: dict[str, Any],
    token: str,
) -> tuple[dict[str, Any], dict[str, Any]]:
    prefetched = await gql(query, variables, token=token)
    with field_by_field():
        one_by_one = await gql(query, variables, token=token)
    return prefetched, one_by_one


class TestPrefetchedRelations:
    @pytest.mark.parametrize(
        "variables",
        [
            {"tenants": None, "after": None, "withApps": True, "skipMembers": False},
            {"tenants": 1, "after": encode_cursor(0), "withApps": False, "skipMembers": True},
        ],
    )
    async def test_a_rich_dashboard_answers_as_field_by_field(
        self,
        variables: dict[str, Any],
        db: None,
        sessions: async_sessionmaker[AsyncSession],
        gql: GraphQLClient,
        tokens: Tokens,
        field_by_field: FieldByField,
        fallback_loads: list[str],
    ) -> None:
        # given
        await _seed(sessions)

        token = tokens.super_admin()

        # when
        prefetched = await gql(DASHBOARD, variables, token=token)
        loaded_by_resolvers = list(fallback_loads)
        with field_by_field():
            one_by_one = await gql(DASHBOARD, variables, token=token)

        # then
        assert "errors" not in prefetched, prefetched.get("errors")
        assert _answer(prefetched) == _answer(one_by_one)
        assert prefetched["_statements"] == one_by_one["_statements"]
        partners = prefetched["data"]["partners"]["nodes"]
        tenant = partners[0]["tenants"]["edges"][0]["node"]
        assert tenant["users"]["nodes"][0]["effectiveGroups"]["totalCount"] == 2
        assert loaded_by_resolvers == []
        assert len(fallback_loads) > 100  # field by field, each page had its own resolver load it

    async def test_a_row_from_a_single_object_field_prefetches_below_its_page(
        self,
        db: None,
        sessions: async_sessionmaker[AsyncSession],
        gql: GraphQLClient,
        tokens: Tokens,
        field_by_field: FieldByField,
        fallback_loads: list[str],
    ) -> None:
        # given
        _, tenant = await _seed(sessions)

        # when
        prefetched = await gql(TENANT_TREE, {"id": tenant.id}, token=tokens.super_admin())
        loaded_by_resolvers = list(fallback_loads)
        with field_by_field():
            one_by_one = await gql(TENANT_TREE, {"id": tenant.id}, token=tokens.super_admin())

        # then
        assert "errors" not in prefetched, prefetched.get("errors")
        assert _answer(prefetched) == _answer(one_by_one)
        assert prefetched["_statements"] == one_by_one["_statements"]
        assert loaded_by_resolvers == ["Tenant.users"]

    async def test_scoped_rows_answer_as_field_by_field(
        self,
        db: None,
        sessions: async_sessionmaker[AsyncSession],
        gql: GraphQLClient,
        tokens: Tokens,
        field_by_field: FieldByField,
    ) -> None:
        # given
        partner, _ = await _seed(sessions)

        # when
        prefetched, one_by_one = await _both_ways(
            gql, field_by_field, SCOPED_TENANTS, {}, tokens.partner_admin(partner.id)
        )

        # then
        assert "errors" not in prefetched, prefetched.get("errors")
        assert _answer(prefetched) == _answer(one_by_one)
        assert prefetched["_statements"] == one_by_one["_statements"]
        assert len(prefetched["data"]["tenants"]["nodes"]) == 2


class TestInvalidPagesBelowAList:
    @pytest.mark.parametrize(
        "variables",
        [
            {"size": 1000, "cursor": None},
            {"size": -1, "cursor": "not-a-cursor"},
            {"size": 2, "cursor": encode_cursor(0)[:-2]},
        ],
    )
    async def test_are_reported_at_the_same_paths_as_field_by_field(
        self,
        variables: dict[str, Any],
        db: None,
        sessions: async_sessionmaker[AsyncSession],
        gql: GraphQLClient,
        tokens: Tokens,
        field_by_field: FieldByField,
    ) -> None:
        # given
        await _seed(sessions)

        # when
        prefetched, one_by_one = await _both_ways(
            gql, field_by_field, BAD_PAGES, variables, tokens.super_admin()
        )

        # then (how many sibling pages load before an error cancels them is up to timing)
        assert _answer(prefetched) == _answer(one_by_one)
        errors = _answer(prefetched)["errors"]
        assert errors, prefetched
        assert {e["extensions"]["code"] for e in errors} == {"BAD_USER_INPUT"}
        assert all(e["path"][:3] == ["partners", "nodes", 0] for e in errors)
