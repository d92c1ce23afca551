"""The lean REST path answers the planned list routes with exactly what the routes answer
(status, body bytes, headers, metrics labels, audit events), and passes every other request
on to the routes.

The routes' own answers come from a second app on the same state (database, settings,
caches) whose middleware stack leaves the lean REST path out.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client import REGISTRY
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.app import create_app
from gateway.lean_rest import LEAN_REST_FIGURES, LeanRest
from resolvers.pagination import MAX_PAGE
from tests.app_settings import settings_changed
from tests.factories_sessions import events
from tests.planner_world import planner_world
from tests.security.principals import Caller, World, token_for
from tests.tokens import Tokens, bearer

ADMIN = "/api/v1/admin"
REQUEST_ID = {"X-Request-ID": "lean-rest-test"}

# Each lean route with the parameters a list reads (filters, pages, search, sort) and the
# values each check refuses, so that the first refusal and its bytes are compared too.
CALLS: list[tuple[str, Callable[[World], str]]] = [
    ("users", lambda w: f"{ADMIN}/users"),
    ("users page 2 of 2", lambda w: f"{ADMIN}/users?page=2&per_page=2"),
    ("users of a tenant", lambda w: f"{ADMIN}/users?tenant_id={w.tenant.id}"),
    ("users of a foreign tenant", lambda w: f"{ADMIN}/users?tenant_id={w.foreign.id}"),
    ("users by lower-case status", lambda w: f"{ADMIN}/users?status=disabled"),
    ("users by unknown status", lambda w: f"{ADMIN}/users?status=sleeping"),
    ("users searched and sorted", lambda w: f"{ADMIN}/users?search=ada&sort=-email,id"),
    ("users sorted by an unknown field", lambda w: f"{ADMIN}/users?sort=password"),
    ("users unknown parameter", lambda w: f"{ADMIN}/users?statuss=active"),
    ("users control character", lambda w: f"{ADMIN}/users?search=a%01b"),
    ("users per_page twice", lambda w: f"{ADMIN}/users?per_page=1&per_page=2"),
    ("users page 0", lambda w: f"{ADMIN}/users?page=0"),
    ("users page past the last", lambda w: f"{ADMIN}/users?page={MAX_PAGE + 1}"),
    ("users per_page over the maximum", lambda w: f"{ADMIN}/users?per_page=101"),
    ("tenants of a partner", lambda w: f"{ADMIN}/tenants?partner_id={w.partner.id}"),
    ("groups", lambda w: f"{ADMIN}/groups?per_page=2"),
    ("partners", lambda w: f"{ADMIN}/partners"),
    ("applications", lambda w: f"{ADMIN}/applications"),
    ("identity providers", lambda w: f"{ADMIN}/identity-providers"),
    ("agents", lambda w: f"{ADMIN}/agents?sort=-created_at"),
    ("audit", lambda w: f"{ADMIN}/audit?per_page=5"),
    ("audit by result in any case", lambda w: f"{ADMIN}/audit?result=FAILURE&action=user.create"),
    ("audit by unknown result", lambda w: f"{ADMIN}/audit?result=maybe"),
    ("audit since until", lambda w: f"{ADMIN}/audit?since=2026-01-02&until=2026-01-01"),
]
# Callers the lean path authenticates (a request without a token goes on to the route).
CALLERS = [caller for caller in Caller if caller is not Caller.NO_TOKEN]


@pytest.fixture(scope="module")
async def world(app: FastAPI, sessions: async_sessionmaker[AsyncSession]) -> World:
    return await planner_world(app, sessions)


@pytest.fixture(scope="module")
async def routes_only(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the same app without the lean REST path: the routes answer every call."""
    other = create_app(app.state.settings)
    other.user_middleware = [m for m in other.user_middleware if m.cls is not LeanRest]
    other.state = app.state
    transport = httpx.ASGITransport(app=other)
    async with httpx.AsyncClient(transport=transport, base_url="http://scaigate.test") as client:
        yield client


async def get(http: httpx.AsyncClient, url: str, token: str | None) -> httpx.Response:
    return await http.get(url, headers={**REQUEST_ID, **(bearer(token) if token else {})})


def same_answer(one: httpx.Response, other: httpx.Response) -> None:
    assert one.status_code == other.status_code
    assert one.content == other.content
    assert one.headers.raw == other.headers.raw  # the statement count and request id too


class TestLeanAnswers:
    @pytest.mark.parametrize("caller", CALLERS, ids=lambda c: c.value)
    @pytest.mark.parametrize(("name", "url"), CALLS, ids=[name for name, _ in CALLS])
    async def test_the_same_bytes_and_headers_as_the_route(
        self,
        world: World,
        http: httpx.AsyncClient,
        routes_only: httpx.AsyncClient,
        tokens: Tokens,
        caller: Caller,
        name: str,
        url: Callable[[World], str],
    ) -> None:
        # given
        token = token_for(caller, world, tokens)
        before = LEAN_REST_FIGURES.answered

        # when
        lean = await get(http, url(world), token)
        routed = await get(routes_only, url(world), token)

        # then
        same_answer(lean, routed)
        refused_token = caller in (Caller.EXPIRED, Caller.BAD_SIGNATURE)
        assert LEAN_REST_FIGURES.answered == before + (0 if refused_token else 1)

    async def test_the_planner_turned_off(
        self,
        app: FastAPI,
        world: World,
        http: httpx.AsyncClient,
        routes_only: httpx.AsyncClient,
        tokens: Tokens,
    ) -> None:
        # given
        before = LEAN_REST_FIGURES.answered
        url = f"{ADMIN}/users?per_page=3"

        # when: the lean path runs the operation through the schema, as the route does
        with settings_changed(app, planned_execution=False):
            lean = await get(http, url, tokens.super_admin())
            routed = await get(routes_only, url, tokens.super_admin())

        # then
        assert LEAN_REST_FIGURES.answered == before + 1
        assert lean.status_code == 200
        same_answer(lean, routed)

    async def test_metrics_label_the_request_with_its_route_template(
        self, world: World, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        # given
        route = {"method": "GET", "route": f"{ADMIN}/users", "status": "200"}
        requests = REGISTRY.get_sample_value("scaigate_http_requests_total", route) or 0
        before = LEAN_REST_FIGURES.answered

        # when
        await get(http, f"{ADMIN}/users", tokens.super_admin())

        # then
        assert LEAN_REST_FIGURES.answered == before + 1
        assert REGISTRY.get_sample_value("scaigate_http_requests_total", route) == requests + 1

    async def test_a_refused_token_is_answered_as_the_route_answers_it_with_one_event(
        self,
        world: World,
        http: httpx.AsyncClient,
        routes_only: httpx.AsyncClient,
        tokens: Tokens,
        sessions: async_sessionmaker[AsyncSession],
    ) -> None:
        # given
        rejected = len(await events(sessions, "auth.token_rejected"))
        route = {"method": "GET", "route": f"{ADMIN}/users", "status": "401"}
        refusals = REGISTRY.get_sample_value("scaigate_http_requests_total", route) or 0

        # when
        lean = await get(http, f"{ADMIN}/users", tokens.expired())
        routed = await get(routes_only, f"{ADMIN}/users", tokens.expired())

        # then
        assert lean.status_code == 401
        same_answer(lean, routed)
        assert REGISTRY.get_sample_value("scaigate_http_requests_total", route) == refusals + 2
        assert len(await events(sessions, "auth.token_rejected")) == rejected + 2


class TestFallThrough:
    """Requests the lean path leaves to the routes, which answer them as before."""

    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("GET", f"{ADMIN}/users/"),  # a trailing slash: the router redirects
            ("GET", f"{ADMIN}/users/usr_missing"),  # a detail route: no plan
            ("GET", f"{ADMIN}/dashboard/activity"),  # a route without a plan
            ("HEAD", f"{ADMIN}/users"),
            ("POST", f"{ADMIN}/users"),
        ],
    )
    async def test_other_routes_and_methods(
        self,
        world: World,
        http: httpx.AsyncClient,
        routes_only: httpx.AsyncClient,
        tokens: Tokens,
        method: str,
        path: str,
    ) -> None:
        # given
        before = LEAN_REST_FIGURES.answered
        headers = {**REQUEST_ID, **bearer(tokens.super_admin())}

        # when
        lean = await http.request(method, path, headers=headers, json={})
        routed = await routes_only.request(method, path, headers=headers, json={})

        # then
        assert LEAN_REST_FIGURES.answered == before
        assert lean.status_code == routed.status_code
        assert lean.content == routed.content

    async def test_no_token(
        self, world: World, http: httpx.AsyncClient, routes_only: httpx.AsyncClient
    ) -> None:
        # given
        before = LEAN_REST_FIGURES.answered

        # when
        lean = await get(http, f"{ADMIN}/users", None)
        routed = await get(routes_only, f"{ADMIN}/users", None)

        # then
        assert LEAN_REST_FIGURES.answered == before
        assert lean.status_code == 401
        same_answer(lean, routed)
