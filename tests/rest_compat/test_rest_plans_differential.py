"""REST list routes answered from the planner's plans give the same bytes as through GraphQL.

Every GET route whose operation the planner plans (the users, tenants, groups and partners
lists, with their filters, pages and refused page values) is called by every caller of the
authorization matrix with the planner on and off (`SCAIGATE_PLANNED_EXECUTION`): the status,
the body's bytes, the content type and the statement count must be the same. Another test
checks that the plannable routes really were answered from their plans directly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from resolvers.pagination import MAX_PAGE
from rest_compat.planned import REST_PLAN_FIGURES
from tests.app_settings import settings_changed
from tests.planner_world import planner_world
from tests.security.principals import Caller, World, token_for
from tests.tokens import Tokens, bearer

ADMIN = "/api/v1/admin"


@dataclass(frozen=True)
class Call:
    name: str
    url: Callable[[World], str]


CALLS = [
    Call("users", lambda w: f"{ADMIN}/users"),
    Call("users page 2 of 2", lambda w: f"{ADMIN}/users?page=2&per_page=2"),
    Call("users past the end", lambda w: f"{ADMIN}/users?page=50&per_page=10"),
    Call("users of a tenant", lambda w: f"{ADMIN}/users?tenant_id={w.tenant.id}"),
    Call("users of a foreign tenant", lambda w: f"{ADMIN}/users?tenant_id={w.foreign.id}"),
    Call("users by status", lambda w: f"{ADMIN}/users?status=disabled"),
    Call("users by upper-case status", lambda w: f"{ADMIN}/users?status=LOCKED"),
    Call("users by unknown status", lambda w: f"{ADMIN}/users?status=sleeping"),
    Call("users of a malformed tenant id", lambda w: f"{ADMIN}/users?tenant_id=x"),
    Call("users page 0", lambda w: f"{ADMIN}/users?page=0"),
    Call("users page not a number", lambda w: f"{ADMIN}/users?page=two"),
    Call("users per_page over the maximum", lambda w: f"{ADMIN}/users?per_page=101"),
    Call("users last page", lambda w: f"{ADMIN}/users?page={MAX_PAGE}&per_page=100"),
    Call("users page past the last", lambda w: f"{ADMIN}/users?page={MAX_PAGE + 1}"),
    Call("users unknown parameter", lambda w: f"{ADMIN}/users?sort=email"),
    Call("tenants", lambda w: f"{ADMIN}/tenants"),
    Call("tenants of a partner", lambda w: f"{ADMIN}/tenants?partner_id={w.partner.id}"),
    Call("tenants by status", lambda w: f"{ADMIN}/tenants?status=suspended"),
    Call("tenants page 2 of 1", lambda w: f"{ADMIN}/tenants?page=2&per_page=1"),
    Call("groups", lambda w: f"{ADMIN}/groups"),
    Call("groups of a tenant", lambda w: f"{ADMIN}/groups?tenant_id={w.tenant.id}"),
    Call("groups per_page 2", lambda w: f"{ADMIN}/groups?per_page=2&page=2"),
    Call("partners", lambda w: f"{ADMIN}/partners"),
    Call("partners by status", lambda w: f"{ADMIN}/partners?status=suspended"),
    Call("partners page 2 of 1", lambda w: f"{ADMIN}/partners?page=2&per_page=1"),
]

# One call of each plannable route, and a caller of each kind who may read it.
DIRECT = [
    (Caller.SUPER_ADMIN, f"{ADMIN}/partners"),
    (Caller.SUPER_ADMIN, f"{ADMIN}/tenants?status=active"),
    (Caller.TENANT_ADMIN_OWNING, f"{ADMIN}/users?per_page=2&page=2"),
    (Caller.PLATFORM_READ, f"{ADMIN}/groups"),
]


@pytest.fixture(scope="module")
async def world(app: FastAPI, sessions: async_sessionmaker[AsyncSession]) -> World:
    return await planner_world(app, sessions)


async def _get(http: httpx.AsyncClient, url: str, token: str | None) -> httpx.Response:
    return await http.get(url, headers=bearer(token) if token else {})


class TestRestPlansAreIdentical:
    @pytest.mark.parametrize("caller", list(Caller), ids=lambda c: c.value)
    @pytest.mark.parametrize("call", CALLS, ids=lambda c: c.name)
    async def test_same_status_and_bytes_with_and_without_the_planner(
        self,
        app: FastAPI,
        world: World,
        http: httpx.AsyncClient,
        tokens: Tokens,
        caller: Caller,
        call: Call,
    ) -> None:
        # given
        token = token_for(caller, world, tokens)
        url = call.url(world)

        # when
        with settings_changed(app, planned_execution=False):
            executed = await _get(http, url, token)
        planned = await _get(http, url, token)

        # then
        assert planned.status_code == executed.status_code
        assert planned.content == executed.content
        assert planned.headers["content-type"] == executed.headers["content-type"]
        assert planned.headers.get("x-sql-statements") == executed.headers.get("x-sql-statements")


class TestDirectPath:
    @pytest.mark.parametrize(("caller", "url"), DIRECT, ids=lambda v: str(v))
    async def test_a_plannable_route_is_answered_from_its_plan(
        self, world: World, http: httpx.AsyncClient, tokens: Tokens, caller: Caller, url: str
    ) -> None:
        # given
        before = REST_PLAN_FIGURES.direct

        # when
        response = await _get(http, url, token_for(caller, world, tokens))

        # then
        assert response.status_code == 200
        assert response.json()["data"]
        assert REST_PLAN_FIGURES.direct == before + 1

    async def test_a_route_is_not_answered_directly_with_the_planner_off(
        self, app: FastAPI, world: World, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        # given
        before = REST_PLAN_FIGURES.direct

        # when
        with settings_changed(app, planned_execution=False):
            response = await _get(http, f"{ADMIN}/users", tokens.super_admin())

        # then
        assert response.status_code == 200
        assert REST_PLAN_FIGURES.direct == before

    async def test_a_caller_refused_the_list_is_answered_by_the_schema(
        self, world: World, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        # given: partners are for super admins; the planner has no plan for this caller
        before = REST_PLAN_FIGURES.direct

        # when
        response = await _get(http, f"{ADMIN}/partners", tokens.platform("admin:read"))

        # then
        assert response.status_code == 403
        assert response.json()["code"] == "FORBIDDEN"
        assert REST_PLAN_FIGURES.direct == before
