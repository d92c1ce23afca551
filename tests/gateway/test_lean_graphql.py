"""The lean GraphQL path answers a planned operation it has seen before with exactly what the
normal path answers (status, body bytes, headers, labels, audit events), and passes every
other request on to the normal path, which answers it as before.

Each test sends documents no other test sends (a comment names the test), so what the path
has learnt elsewhere does not matter.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client import REGISTRY
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.lean_graphql import LEAN_FIGURES
from schema.planner import PLANNER_FIGURES
from tests.app_settings import settings_changed
from tests.factories_sessions import events
from tests.planner_world import planner_world
from tests.security.principals import World
from tests.tokens import Tokens, bearer

REQUEST_ID = {"X-Request-ID": "lean-test"}

USERS_PAGE = """
query LeanPage($first: Int, $after: String, $tenantId: ID, $status: UserStatus) {
  users(first: $first, after: $after, tenantId: $tenantId, status: $status) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id email status customAttributes createdAt }
  }
}
"""
# Cost grows with `$first` at both levels: 100 times 100 is over a tenant admin's budget.
USERS_GROUPS = """
query LeanCost($first: Int) {
  users(first: $first) { nodes { id groups(first: $first) { nodes { id name } } } }
}
"""
PARTNERS = "{ partners(first: 5) { totalCount nodes { id name } } }"
INVALID = "{ users(first: 2) { nodes { id noSuchField } } }"


def document(text: str, test: str) -> str:
    """`text` made a document of its own for one test."""
    return f"{text}\n# {test}"


@pytest.fixture(scope="module")
async def world(app: FastAPI, sessions: async_sessionmaker[AsyncSession]) -> World:
    return await planner_world(app, sessions)


async def post(
    http: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    token: str | None,
    headers: dict[str, str] | None = None,
    **more: Any,
) -> httpx.Response:
    payload: dict[str, Any] = {"query": query, **more}
    if variables is not None:
        payload["variables"] = variables
    sent = {**REQUEST_ID, **(bearer(token) if token else {}), **(headers or {})}
    return await http.post("/graphql", json=payload, headers=sent)


def answered() -> int:
    return LEAN_FIGURES.answered


def same_answer(one: httpx.Response, other: httpx.Response) -> None:
    assert one.status_code == other.status_code
    assert one.content == other.content
    assert one.headers.raw == other.headers.raw


class TestLeanAnswers:
    async def test_a_document_seen_planned_is_answered_lean_with_the_same_bytes_and_headers(
        self, app: FastAPI, world: World, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        # given
        query = document(USERS_PAGE, "same bytes")
        token = tokens.super_admin()
        learnt, planned = LEAN_FIGURES.learnt, PLANNER_FIGURES.planned
        first = await post(http, query, {"first": 3}, token=token)
        assert LEAN_FIGURES.learnt == learnt + 1
        before = answered()

        # when
        lean = await post(http, query, {"first": 3}, token=token)
        with settings_changed(app, planned_execution=False):
            executed = await post(http, query, {"first": 3}, token=token)

        # then
        assert answered() == before + 1
        assert PLANNER_FIGURES.planned == planned + 2
        same_answer(lean, first)
        same_answer(lean, executed)
        assert lean.headers["x-sql-statements"] == "1"  # the page counts its total
        assert lean.json()["data"]["users"]["totalCount"] == 9

    @pytest.mark.parametrize(
        "variables",
        [{"first": 1}, {"first": 2, "after": "b2Zmc2V0OjA="}, {"status": "DISABLED"}, None],
        ids=["first", "after", "status", "none"],
    )
    async def test_variables_are_bound_per_request(
        self,
        app: FastAPI,
        world: World,
        http: httpx.AsyncClient,
        tokens: Tokens,
        variables: dict[str, Any] | None,
    ) -> None:
        # given
        query = document(USERS_PAGE, "variables")
        token = tokens.tenant_admin(world.tenant.id)
        await post(http, query, {"first": 5}, token=token)
        before = answered()

        # when
        lean = await post(http, query, variables, token=token)
        with settings_changed(app, planned_execution=False):
            executed = await post(http, query, variables, token=token)

        # then
        assert answered() == before + 1
        same_answer(lean, executed)

    async def test_the_response_media_type_is_negotiated_as_by_the_endpoint(
        self, app: FastAPI, world: World, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        # given
        query = document(USERS_PAGE, "media type")
        token = tokens.super_admin()
        accept = {"Accept": "application/graphql-response+json"}
        await post(http, query, token=token, headers=accept)
        before = answered()

        # when
        lean = await post(http, query, token=token, headers=accept)
        with settings_changed(app, planned_execution=False):
            executed = await post(http, query, token=token, headers=accept)

        # then
        assert answered() == before + 1
        same_answer(lean, executed)
        assert lean.headers["content-type"] == "application/graphql-response+json; charset=utf-8"

    async def test_metrics_label_the_request_with_its_route_and_operation(
        self, world: World, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        # given
        query = document(USERS_PAGE, "labels")
        token = tokens.super_admin()
        await post(http, query, token=token)
        before = answered()
        graphql = {"operation_type": "query", "operation_name": "LeanPage", "status": "200"}
        route = {"method": "POST", "route": "/graphql", "status": "200"}
        operations = REGISTRY.get_sample_value("scaigate_graphql_requests_total", graphql)
        requests = REGISTRY.get_sample_value("scaigate_http_requests_total", route)

        # when
        await post(http, query, token=token)

        # then
        assert answered() == before + 1
        assert REGISTRY.get_sample_value("scaigate_graphql_requests_total", graphql) == (
            (operations or 0) + 1
        )
        assert REGISTRY.get_sample_value("scaigate_http_requests_total", route) == (
            (requests or 0) + 1
        )

    async def test_a_refused_token_is_answered_as_the_endpoint_answers_it_with_one_event(
        self,
        world: World,
        http: httpx.AsyncClient,
        tokens: Tokens,
        sessions: async_sessionmaker[AsyncSession],
    ) -> None:
        # given: a known document, and another that the normal path answers
        query = document(USERS_PAGE, "refused token")
        await post(http, query, token=tokens.super_admin())
        unknown = document(USERS_PAGE, "refused token, unknown document")
        rejected = len(await events(sessions, "auth.token_rejected"))
        before = answered()
        route = {"method": "POST", "route": "/graphql", "status": "401"}
        refusals = REGISTRY.get_sample_value("scaigate_http_requests_total", route) or 0

        # when
        lean = await post(http, query, token=tokens.expired())
        normal = await post(http, unknown, token=tokens.expired())

        # then
        assert answered() == before  # not an answer from a plan
        assert REGISTRY.get_sample_value("scaigate_http_requests_total", route) == refusals + 2
        assert lean.status_code == 401
        same_answer(lean, normal)
        assert len(await events(sessions, "auth.token_rejected")) == rejected + 2


class TestFallThrough:
    """Each request goes on to the normal path and is answered exactly as with the planner
    off."""

    async def _compare(
        self, app: FastAPI, http: httpx.AsyncClient, *, learn: bool = True, **request: Any
    ) -> httpx.Response:
        if learn:
            await post(http, **{**request, "variables": request.get("learn_with")})
        request.pop("learn_with", None)
        before = answered()
        response = await post(http, **request)
        with settings_changed(app, planned_execution=False):
            executed = await post(http, **request)
        assert answered() == before
        same_answer(response, executed)
        return response

    async def test_a_document_seen_for_the_first_time(
        self, app: FastAPI, world: World, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        query = document(USERS_PAGE, "first sight")
        before = answered()

        response = await post(http, query, token=tokens.super_admin())

        assert answered() == before
        assert response.json()["data"]["users"]["totalCount"] == 9

    async def test_an_invalid_document_is_never_learnt(
        self, app: FastAPI, world: World, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        learnt = LEAN_FIGURES.learnt
        response = await self._compare(
            app, http, query=document(INVALID, "invalid"), token=tokens.super_admin()
        )
        assert LEAN_FIGURES.learnt == learnt
        assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"

    async def test_variables_over_a_limit(
        self, app: FastAPI, world: World, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        response = await self._compare(
            app,
            http,
            query=document(USERS_GROUPS, "over a limit"),
            learn_with={"first": 1},
            variables={"first": 100},
            token=tokens.tenant_admin(world.tenant.id),
        )
        assert response.json()["errors"][0]["extensions"]["limit"] == "cost"

    async def test_variables_within_one_role_budget_and_over_another(
        self, app: FastAPI, world: World, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        # given: the call passed the limits for a super admin, and was answered lean
        query = document(USERS_GROUPS, "one budget and another")
        await post(http, query, {"first": 100}, token=tokens.super_admin())
        before = answered()
        passed = await post(http, query, {"first": 100}, token=tokens.super_admin())
        assert answered() == before + 1
        assert "errors" not in passed.json()

        # when, then: the same call by a tenant admin is measured against its own budget
        response = await self._compare(
            app,
            http,
            learn=False,
            query=query,
            variables={"first": 100},
            token=tokens.tenant_admin(world.tenant.id),
        )
        assert response.json()["errors"][0]["extensions"]["limit"] == "cost"

    async def test_control_characters_in_variables(
        self, app: FastAPI, world: World, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        response = await self._compare(
            app,
            http,
            query=document(USERS_PAGE, "control characters"),
            variables={"tenantId": "tnt_\u0007"},
            token=tokens.super_admin(),
        )
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"

    @pytest.mark.parametrize(
        "variables",
        [{"first": "ten"}, {"first": 101}, {"after": "nonsense"}, {"status": "GONE"}],
        ids=["not an int", "over the maximum", "not a cursor", "unknown enum value"],
    )
    async def test_variables_the_plan_refuses(
        self,
        app: FastAPI,
        world: World,
        http: httpx.AsyncClient,
        tokens: Tokens,
        variables: dict[str, Any],
    ) -> None:
        response = await self._compare(
            app,
            http,
            query=document(USERS_PAGE, "refused variables"),
            variables=variables,
            token=tokens.super_admin(),
        )
        assert "errors" in response.json()

    async def test_no_token(
        self, app: FastAPI, world: World, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        query = document(USERS_PAGE, "no token")
        await post(http, query, token=tokens.super_admin())
        response = await self._compare(app, http, learn=False, query=query, token=None)
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    async def test_a_tier_that_may_not_read_the_operation(
        self, app: FastAPI, world: World, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        query = document(PARTNERS, "refused tier")
        await post(http, query, token=tokens.super_admin())
        response = await self._compare(
            app, http, learn=False, query=query, token=tokens.platform("admin:read")
        )
        assert response.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    async def test_the_planner_turned_off(
        self, app: FastAPI, world: World, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        query = document(USERS_PAGE, "planner off")
        await post(http, query, token=tokens.super_admin())
        before = answered()

        with settings_changed(app, planned_execution=False):
            response = await post(http, query, token=tokens.super_admin())

        assert answered() == before
        assert response.json()["data"]["users"]["totalCount"] == 9

    async def test_a_get_with_a_query_string(
        self, app: FastAPI, world: World, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        query = document(USERS_PAGE, "get")
        token = tokens.super_admin()
        await post(http, query, token=token)
        before = answered()

        response = await http.get("/graphql", params={"query": query}, headers=bearer(token))

        assert answered() == before
        assert response.json()["data"]["users"]["totalCount"] == 9

    async def test_a_batch(
        self, app: FastAPI, world: World, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        query = document(USERS_PAGE, "batch")
        token = tokens.super_admin()
        await post(http, query, token=token)
        before = answered()

        with settings_changed(app, limit_max_batch=2):
            response = await http.post("/graphql", json=[{"query": query}], headers=bearer(token))

        assert answered() == before
        assert response.json()[0]["data"]["users"]["totalCount"] == 9

    async def test_a_persisted_query(
        self, app: FastAPI, world: World, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        response = await self._compare(
            app,
            http,
            query=document(USERS_PAGE, "persisted"),
            token=tokens.super_admin(),
            extensions={"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}},
        )
        assert response.status_code == 400  # the hash is not the query's

    async def test_the_allow_list_mode(
        self, app: FastAPI, world: World, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        query = document(USERS_PAGE, "allow-list")
        await post(http, query, token=tokens.super_admin())
        before = answered()

        with settings_changed(app, persisted_operations="allowlist"):
            response = await post(http, query, token=tokens.super_admin())

        assert answered() == before
        assert response.json()["errors"][0]["extensions"]["code"] == "OPERATION_NOT_ALLOWLISTED"

    @pytest.mark.parametrize(
        ("content_type", "body"),
        [
            ("application/json", b"{not json"),
            ("text/plain", b'{"query": "{ __typename }"}'),
            ("application/json", b'{"query": 5}'),
            ("application/json", b'{"query": "{ __typename }", "variables": [1]}'),
        ],
        ids=["not json", "not a json content type", "query not a string", "variables a list"],
    )
    async def test_a_malformed_request(
        self,
        app: FastAPI,
        world: World,
        http: httpx.AsyncClient,
        tokens: Tokens,
        content_type: str,
        body: bytes,
    ) -> None:
        before = answered()
        headers = {**bearer(tokens.super_admin()), "Content-Type": content_type}

        response = await http.post("/graphql", content=body, headers=headers)

        assert answered() == before
        assert response.status_code in (400, 415)
