"""Planned execution answers with the same bytes as field-by-field execution.

Every document of the corpus is sent by every caller of the authorization matrix twice, with
the planner on and off (`SCAIGATE_PLANNED_EXECUTION`), and the two responses must be the same
bytes with the same status: data, errors and error paths alike. Other tests check that a
plannable operation really ran from its plan and that the others fell back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from resolvers.pagination import MAX_OFFSET, encode_cursor
from schema.planner import PLANNER_FIGURES
from tests.app_settings import settings_changed
from tests.planner_world import planner_world
from tests.security.principals import Caller, World, token_for
from tests.tokens import Tokens, bearer

FLAT = "{ users(first: 100) { nodes { id email } } }"

USERS_EVERY_COLUMN = """
{
  users(first: 50) {
    __typename
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor __typename }
    nodes {
      __typename id tenantId email displayName firstName lastName status emailVerified
      mfaEnabled mustChangePassword passwordChangedAt customAttributes adminRole
      createdAt updatedAt
    }
  }
}
"""

USERS_PAGE = """
query Page($first: Int, $after: String, $tenantId: ID, $status: UserStatus) {
  users(first: $first, after: $after, tenantId: $tenantId, status: $status) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    nodes { id email status }
  }
}
"""

ALIASES = """
{
  __typename
  some: users(first: 1) { count: totalCount list: nodes { mail: email who: id } }
  more: users(first: 3, after: "b2Zmc2V0OjA=") { nodes { id } pageInfo { endCursor } }
  tenants { nodes { id partnerId name slug status contactEmail settings branding } }
}
"""

TENANTS_OF = """
query TenantsOf($partnerId: ID, $status: TenantStatus) {
  tenants(partnerId: $partnerId, status: $status) { totalCount nodes { id name } }
}
"""

PARTNERS = """
{
  partners(first: 10) {
    totalCount
    nodes {
      id name slug status contactEmail maxTenants maxUsersPerTenant
      maxApplicationsPerTenant createdAt updatedAt
    }
  }
}
"""

GROUPS_OF = """
query GroupsOf($tenantId: ID) {
  groups(first: 5, tenantId: $tenantId) {
    totalCount pageInfo { hasNextPage } nodes { id tenantId name description createdAt }
  }
}
"""

EXPLICIT_NULLS = """
{ users(first: null, after: null, tenantId: null, status: null) { totalCount nodes { id } } }
"""

TWO_OPERATIONS = """
query Tenants { tenants { nodes { id } } }
query Users { users(first: 2) { nodes { email } } }
"""

NESTED = """
{
  partners(first: 5) {
    totalCount
    nodes {
      id name
      tenants(first: 5) {
        totalCount
        nodes {
          id name
          users(first: 5) {
            totalCount
            nodes {
              id email
              groups(first: 5) { nodes { id name } }
              effectiveGroups(first: 5) { totalCount nodes { id } }
            }
          }
          groups(first: 5) {
            nodes { id children { nodes { id } } effectiveMembers { totalCount } }
          }
        }
      }
    }
  }
}
"""

TENANT_TREE = """
query Tree($first: Int, $after: String) {
  tenants(first: 5) {
    nodes {
      __typename id
      people: users(first: $first, after: $after) {
        __typename
        totalCount
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        nodes {
          email status
          groups(first: 5) { totalCount nodes { name parents(first: 3) { nodes { id } } } }
        }
      }
      groups(first: 1) { pageInfo { hasNextPage } nodes { members(first: 5) { nodes { email } } } }
      applications { totalCount }
    }
  }
}
"""

USER_GROUPS = """
query UserGroups($first: Int, $after: String) {
  users(first: 10) { nodes { id effectiveGroups(first: $first, after: $after) { nodes { id } } } }
}
"""

WITH_RELATION = "{ users(first: 5) { nodes { id tenant { id name } } } }"
WITH_FRAGMENT = "{ users(first: 5) { nodes { ...Who } } } fragment Who on User { id email }"
EDGES = """
query Edges($after: String) {
  users(first: 3, after: $after) {
    edges { __typename cursor node { __typename id email } }
    nodes { id }
  }
  tenants(first: 2) {
    edges {
      node { id users(first: 2) { edges { at: cursor node { groups { nodes { id } } } } } }
    }
  }
}
"""
DASHBOARD = """
query Dashboard($first: Int, $after: String) {
  tenants(first: 5) {
    nodes {
      id
      users { totalCount }
      sessions(first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        nodes {
          id userId tenantId partnerId adminRole ip userAgent createdAt expiresAt revokedAt
          revokedReason
        }
      }
    }
  }
  users(first: 10) {
    nodes { id lastSignInAt sessions(first: 2) { totalCount nodes { id createdAt } } }
  }
}
"""
PARTNER_COUNTS = """
{
  partners(first: 10) {
    totalCount
    nodes {
      id tenants { totalCount } users(first: 2) { totalCount nodes { id lastSignInAt } }
      sessions { totalCount edges { cursor node { id } } }
    }
  }
}
"""
SESSION_ACTIVE = "{ tenants { nodes { sessions { nodes { id active } } } } }"
WITH_SKIP = "{ users(first: 5) { nodes { id email @skip(if: true) } } }"
MIXED_ROOTS = "{ users(first: 2) { nodes { id } } viewer { __typename } }"


@dataclass(frozen=True)
class Request:
    name: str
    document: str
    variables: Callable[[World], dict[str, Any]] = field(default=lambda world: {})
    operation_name: str | None = None
    several_roots: bool = False  # root fields that a caller may be refused concurrently


PARTNERS_PAGE = Request("partners", PARTNERS)
PLANNABLE_FOR_EVERY_READER = [
    Request("flat", FLAT),
    Request("users every column", USERS_EVERY_COLUMN),
    Request("aliases", ALIASES, several_roots=True),
    Request("explicit nulls", EXPLICIT_NULLS),
    Request("second operation", TWO_OPERATIONS, operation_name="Users"),
    Request("page: defaults", USERS_PAGE),
    Request("page: first two", USERS_PAGE, lambda w: {"first": 2}),
    Request("page: after", USERS_PAGE, lambda w: {"first": 2, "after": encode_cursor(1)}),
    Request("page: past the end", USERS_PAGE, lambda w: {"after": encode_cursor(500)}),
    Request("page: first zero", USERS_PAGE, lambda w: {"first": 0}),
    Request("page: first 100", USERS_PAGE, lambda w: {"first": 100}),
    Request("page: tenant", USERS_PAGE, lambda w: {"tenantId": w.tenant.id}),
    Request("page: foreign tenant", USERS_PAGE, lambda w: {"tenantId": w.foreign.id}),
    Request("page: unknown tenant", USERS_PAGE, lambda w: {"tenantId": "tnt_none"}),
    Request("page: status", USERS_PAGE, lambda w: {"status": "DISABLED"}),
    Request("tenants of partner", TENANTS_OF, lambda w: {"partnerId": w.partner.id}),
    Request("tenants by status", TENANTS_OF, lambda w: {"status": "SUSPENDED"}),
    Request("groups of tenant", GROUPS_OF, lambda w: {"tenantId": w.tenant.id}),
    Request("groups of all", GROUPS_OF),
]
RELATIONS_FOR_EVERY_READER = [
    Request("tenant tree", TENANT_TREE),
    Request(
        "tenant tree: page two", TENANT_TREE, lambda w: {"first": 1, "after": encode_cursor(0)}
    ),
    Request("tenant tree: empty pages", TENANT_TREE, lambda w: {"first": 0}),
    Request("user groups", USER_GROUPS, lambda w: {"first": 1}),
    Request("user groups: after", USER_GROUPS, lambda w: {"after": encode_cursor(0)}),
    Request("edges", EDGES, several_roots=True),
    Request("edges: after", EDGES, lambda w: {"after": encode_cursor(2)}, several_roots=True),
    Request("dashboard", DASHBOARD, several_roots=True),
    Request(
        "dashboard: sessions after",
        DASHBOARD,
        lambda w: {"first": 1, "after": encode_cursor(0)},
        several_roots=True,
    ),
]
NESTED_PAGE = Request("nested", NESTED)
PLANNABLE_FOR_EVERY_READER += RELATIONS_FOR_EVERY_READER
PLANNABLE = [
    *PLANNABLE_FOR_EVERY_READER,
    PARTNERS_PAGE,
    NESTED_PAGE,
    Request("partner counts", PARTNER_COUNTS),
]
# Refused by the checks a plan's request runs (variables, page sizes, cursors): it falls back.
REFUSED_WHEN_BOUND = [
    Request("page: first over the max", USERS_PAGE, lambda w: {"first": 101}),
    Request("page: negative first", USERS_PAGE, lambda w: {"first": -1}),
    Request("page: not a cursor", USERS_PAGE, lambda w: {"after": "nonsense"}),
    Request("page: cursor too far", USERS_PAGE, lambda w: {"after": encode_cursor(MAX_OFFSET)}),
    Request("page: first not an int", USERS_PAGE, lambda w: {"first": "ten"}),
    Request("page: unknown status", USERS_PAGE, lambda w: {"status": "GONE"}),
    Request("nested: first over the max", USER_GROUPS, lambda w: {"first": 101}),
    Request("nested: not a cursor", USER_GROUPS, lambda w: {"after": "nonsense"}),
]
# Refused before any plan is looked up.
REFUSED_BEFORE = [
    Request("page: control character", USERS_PAGE, lambda w: {"tenantId": "tnt_\u0007"}),
]
NOT_PLANNABLE = [
    Request("relation", WITH_RELATION),
    Request("fragment", WITH_FRAGMENT),
    Request("skip", WITH_SKIP),
    Request("session active", SESSION_ACTIVE),
    Request("mixed roots", MIXED_ROOTS, several_roots=True),
]
CORPUS = PLANNABLE + REFUSED_WHEN_BOUND + REFUSED_BEFORE + NOT_PLANNABLE


@pytest.fixture(scope="module")
async def world(app: FastAPI, sessions: async_sessionmaker[AsyncSession]) -> World:
    return await planner_world(app, sessions)


async def _post(
    http: httpx.AsyncClient, request: Request, world: World, token: str | None
) -> httpx.Response:
    payload: dict[str, Any] = {"query": request.document, "variables": request.variables(world)}
    if request.operation_name is not None:
        payload["operationName"] = request.operation_name
    return await http.post("/graphql", json=payload, headers=bearer(token) if token else {})


def _comparable(response: httpx.Response, request: Request) -> bytes | list[tuple[str, str]]:
    """The body's bytes; but when several root fields fail and null the whole `data`,
    graphql-core reports the first to fail, and root fields run concurrently (a refused one
    writes its audit event first): which one is reported varies from run to run, with or
    without the planner. Then the refusals' messages and codes are compared."""
    body: dict[str, Any] = response.json()
    if not (request.several_roots and body.get("data") is None and body.get("errors")):
        return response.content
    return sorted({(e["message"], e["extensions"]["code"]) for e in body["errors"]})


def _figures() -> tuple[int, int]:
    return PLANNER_FIGURES.planned, PLANNER_FIGURES.executed


def _compiled() -> int:
    return PLANNER_FIGURES.compiled


class TestPlannedResponsesAreIdentical:
    @pytest.mark.parametrize("caller", list(Caller), ids=lambda c: c.value)
    @pytest.mark.parametrize("request_", CORPUS, ids=lambda r: r.name)
    async def test_same_bytes_with_and_without_the_planner(
        self,
        app: FastAPI,
        world: World,
        http: httpx.AsyncClient,
        tokens: Tokens,
        caller: Caller,
        request_: Request,
    ) -> None:
        # given
        token = token_for(caller, world, tokens)

        # when
        with settings_changed(app, planned_execution=False):
            executed = await _post(http, request_, world, token)
        planned = await _post(http, request_, world, token)

        # then
        assert planned.status_code == executed.status_code
        assert planned.headers["content-type"] == executed.headers["content-type"]
        assert _comparable(planned, request_) == _comparable(executed, request_)


class TestPlanIsUsed:
    @pytest.mark.parametrize("request_", [PARTNERS_PAGE, NESTED_PAGE], ids=lambda r: r.name)
    async def test_a_super_admin_only_list_runs_from_its_plan_for_a_super_admin(
        self, world: World, http: httpx.AsyncClient, tokens: Tokens, request_: Request
    ) -> None:
        # given
        before = _figures()

        # when
        response = await _post(http, request_, world, tokens.super_admin())

        # then
        assert response.json()["data"]["partners"]["totalCount"] == 2
        assert _figures() == (before[0] + 1, before[1])

    @pytest.mark.parametrize(
        "caller", [Caller.SUPER_ADMIN, Caller.TENANT_ADMIN_OWNING, Caller.PLATFORM_READ]
    )
    @pytest.mark.parametrize("request_", PLANNABLE_FOR_EVERY_READER, ids=lambda r: r.name)
    async def test_every_plannable_request_is_planned_for_a_caller_who_may_read_it(
        self,
        world: World,
        http: httpx.AsyncClient,
        tokens: Tokens,
        caller: Caller,
        request_: Request,
    ) -> None:
        # given
        before = _figures()

        # when
        response = await _post(http, request_, world, token_for(caller, world, tokens))

        # then
        assert "errors" not in response.json()
        assert _figures() == (before[0] + 1, before[1])

    @pytest.mark.parametrize("request_", PLANNABLE, ids=lambda r: r.name)
    async def test_the_plan_and_execution_run_the_same_statements(
        self, app: FastAPI, world: World, http: httpx.AsyncClient, tokens: Tokens, request_: Request
    ) -> None:
        # given
        token = tokens.super_admin()

        # when
        with settings_changed(app, planned_execution=False):
            executed = await _post(http, request_, world, token)
        planned = await _post(http, request_, world, token)

        # then
        assert planned.headers["x-sql-statements"] == executed.headers["x-sql-statements"]

    @pytest.mark.parametrize(
        "request_",
        NOT_PLANNABLE + REFUSED_WHEN_BOUND,
        ids=lambda r: r.name,
    )
    async def test_anything_else_falls_back_to_execution(
        self, world: World, http: httpx.AsyncClient, tokens: Tokens, request_: Request
    ) -> None:
        # given
        before = _figures()

        # when
        await _post(http, request_, world, tokens.super_admin())

        # then
        assert _figures() == (before[0], before[1] + 1)

    async def test_a_refused_caller_falls_back(
        self, world: World, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        # given
        before = _figures()

        # when
        response = await _post(http, PARTNERS_PAGE, world, tokens.platform("admin:read"))

        # then
        assert response.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert _figures() == (before[0], before[1] + 1)


class TestPlanCache:
    async def test_an_operation_is_compiled_once_per_tier_and_its_variables_bound_per_request(
        self, world: World, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        # given: a document no other test sends
        request = Request("cached", USERS_PAGE.replace("query Page", "query CachedPage"))
        before = _compiled()

        # when
        first = await _post(http, request, world, tokens.super_admin())
        again = await _post(
            http, replace(request, variables=lambda w: {"first": 1}), world, tokens.super_admin()
        )
        other_super_admin = await _post(http, request, world, tokens.super_admin())
        tenant_admin = await _post(http, request, world, tokens.tenant_admin(world.tenant.id))

        # then
        assert _compiled() == before + 2
        assert len(first.json()["data"]["users"]["nodes"]) == 9
        assert len(again.json()["data"]["users"]["nodes"]) == 1
        assert other_super_admin.content == first.content
        assert len(tenant_admin.json()["data"]["users"]["nodes"]) == 3
