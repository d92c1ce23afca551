"""A planned request runs one statement per relation and level, plus a constant.

Per root list: one statement for its page and one for its `totalCount`. Per relation selected
below, at each level that has parent rows: one statement for every parent's page, with every
parent's total in the same statement when `totalCount` is selected. Per target of to-one
relations (a user's `tenant`, a tenant's `partner`) at each level: one statement for the
ids not read at a level above. Closures (effective
members and groups) go through the relation loaders: one statement for the pages and one
for the totals. A level without parent rows runs nothing. So the count depends on the
document, never on how many rows each level holds.
"""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.principals import Principal, Role
from resolvers.resources import RESOURCES, Resource
from schema.planner import PLANNER_FIGURES
from tests.planner_corpus import (
    APPLICATIONS,
    BENCH_NESTED_PAGE,
    CONDITIONS,
    FLAT,
    MERGED,
    NESTED_PAGE,
    TENANT_TREE,
    TO_ONE,
    Request,
)
from tests.planner_world import planner_world
from tests.security.principals import World
from tests.tokens import Tokens, bearer

STATEMENTS = [
    (Request("flat", FLAT), 1),
    # partners; tenants; users; groups
    (BENCH_NESTED_PAGE, 1 + 1 + 1 + 1),
    # partners (+ their count); tenants (+ totals); users (+ totals), groups; groups of
    # users, effective groups (pages, totals), children, effective members (pages, totals)
    (NESTED_PAGE, 1 + 1 + 2 + 6),
    # tenants; people (+ totals), groups, applications (+ totals); groups of people
    # (+ totals), members; parents
    (Request("tenant tree", TENANT_TREE), 1 + 3 + 2 + 1),
    # no people, so nothing below them; the members of the one group still
    (Request("tenant tree: no people", TENANT_TREE, lambda w: {"first": 0}), 1 + 3 + 1),
    # one root list (its two selections merged, + its count); the groups of its users, once
    (Request("merged", MERGED), 1 + 1),
    # users (`totalCount` excluded by a literal); their groups; tenants
    (Request("conditions", CONDITIONS, lambda w: {"withEmail": True}), 1 + 1 + 1),
    # users; groups; the tenants of both (one statement for the level); their partners; the
    # tenants' users (+ totals); those users' tenants were read above: none
    (Request("to-one", TO_ONE), 1 + 1 + 1 + 1 + 1),
    # applications (+ their count); their tenants
    (Request("applications", APPLICATIONS), 1 + 1),
    # users only: groups and tenants skipped by the variable
    (
        Request(
            "conditions: skipped", CONDITIONS, lambda w: {"withEmail": True, "skipGroups": True}
        ),
        1,
    ),
]


@pytest.fixture(scope="module")
async def world(app: FastAPI, sessions: async_sessionmaker[AsyncSession]) -> World:
    return await planner_world(app, sessions)


class TestPlannedStatements:
    @pytest.mark.parametrize(
        ("request_", "statements"), STATEMENTS, ids=[request.name for request, _ in STATEMENTS]
    )
    async def test_a_planned_request_runs_one_statement_per_relation_and_level(
        self,
        world: World,
        http: httpx.AsyncClient,
        tokens: Tokens,
        request_: Request,
        statements: int,
    ) -> None:
        # given
        planned_before = PLANNER_FIGURES.planned

        # when
        response = await http.post(
            "/graphql",
            json={"query": request_.document, "variables": request_.variables(world)},
            headers=bearer(tokens.super_admin()),
        )

        # then
        assert "errors" not in response.json()
        assert PLANNER_FIGURES.planned == planned_before + 1
        assert int(response.headers["x-sql-statements"]) == statements


class TestConditionsPerRequest:
    async def test_skip_and_include_variables_are_decided_per_request_from_one_compilation(
        self, world: World, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        # given: a document no other test sends
        document = CONDITIONS.replace("query Conditions", "query ConditionsOnce")
        compiled_before, planned_before = PLANNER_FIGURES.compiled, PLANNER_FIGURES.planned

        # when
        bodies = [
            (
                await http.post(
                    "/graphql",
                    json={"query": document, "variables": variables},
                    headers=bearer(tokens.super_admin()),
                )
            ).json()["data"]
            for variables in ({"withEmail": True}, {"withEmail": False, "skipGroups": True})
        ]

        # then
        assert PLANNER_FIGURES.compiled == compiled_before + 1
        assert PLANNER_FIGURES.planned == planned_before + 2
        with_email, without = (body["users"]["nodes"][0] for body in bodies)
        assert set(with_email) == {"id", "email", "groups", "status"}
        assert set(without) == {"id"}
        assert "tenants" in bodies[0]
        assert "tenants" not in bodies[1]


class TestStatementsAreSharedByScope:
    @pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
    @pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
    def test_a_row_scope_reads_only_what_the_plans_statements_are_kept_by(
        self, role: Role, resource: Resource
    ) -> None:
        # given: two callers alike in role, partner, tenant and scopes, and in nothing else
        one = Principal(role, "usr_one", "prt_p", "tnt_t", frozenset({"admin:read"}))
        other = replace(
            one, subject="usr_other", token_id="tok", session_id="ses", client_id="client"
        )

        # when
        scopes = [
            str(resource.visible(caller).compile(compile_kwargs={"literal_binds": True}))
            for caller in (one, other)
        ]

        # then: a statement built for one is right for the other (`run._scope_of`)
        assert scopes[0] == scopes[1]
