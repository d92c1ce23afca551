"""Planned execution answers with the same bytes as field-by-field execution.

Every document of the corpus is sent by every caller of the authorization matrix twice, with
the planner on and off (`SCAIGATE_PLANNED_EXECUTION`), and the two responses must be the same
bytes with the same status: data, errors and error paths alike. Other tests check that a
plannable operation really ran from its plan and that the others fell back.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from schema.planner import PLANNER_FIGURES
from tests.app_settings import settings_changed
from tests.planner_corpus import (
    CORPUS,
    LISTED_FOR_EVERY_READER,
    NESTED_PAGE,
    NOT_PLANNABLE,
    PARTNERS_PAGE,
    PLANNABLE,
    PLANNABLE_FOR_EVERY_READER,
    REFUSED_WHEN_BOUND,
    USERS_PAGE,
    Request,
)
from tests.planner_world import planner_world
from tests.security.principals import Caller, World, token_for
from tests.tokens import Tokens, bearer


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

    @pytest.mark.parametrize("request_", LISTED_FOR_EVERY_READER, ids=lambda r: r.name)
    async def test_a_listed_request_answers_rows_from_its_plan(
        self, world: World, http: httpx.AsyncClient, tokens: Tokens, request_: Request
    ) -> None:
        # when a super admin sends a filtered, ordered or keyset-paged list
        response = await _post(http, request_, world, tokens.super_admin())

        # then the plan answers it with rows, so the comparison above compares rows
        (connection,) = response.json()["data"].values()
        assert connection["totalCount"] > 0
        assert connection.get("edges") or connection.get("nodes")

    @pytest.mark.parametrize("request_", PLANNABLE, ids=lambda r: r.name)
    async def test_a_plan_runs_no_more_statements_than_execution(
        self, app: FastAPI, world: World, http: httpx.AsyncClient, tokens: Tokens, request_: Request
    ) -> None:
        # given
        token = tokens.super_admin()

        # when
        with settings_changed(app, planned_execution=False):
            executed = await _post(http, request_, world, token)
        planned = await _post(http, request_, world, token)

        # then: fewer where a relation's totals come with its pages (one statement, not two)
        assert int(planned.headers["x-sql-statements"]) <= int(executed.headers["x-sql-statements"])

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
