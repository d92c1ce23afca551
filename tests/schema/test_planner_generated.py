"""Generated documents get the same bytes from the planner as from field-by-field execution.

Hypothesis draws documents over the graph the planner answers (`tests.generated_documents`:
root lists, relations, nodes, edges, page info and counts, with aliases, fragments,
directives, variables, explicit nulls, good and bad page sizes and cursors, and fields the
planner does not run). Each is sent by every caller of the authorization matrix with the
planner off and on, and the two responses must have the same status, content type and body
bytes (`comparable` names the one looser comparison). The run is derandomized and bounded,
so CI sees the same documents every time; a failure names the smallest document, its
variables and the caller. The test also requires that a good share of the documents ran
from a plan, so it cannot pass by everything falling back.

Documents generation found are kept as plain cases in `FOUND`, sent on every run.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from schema.planner import PLANNER_FIGURES
from tests.app_settings import settings_changed
from tests.generated_documents import GeneratedCase, generated_cases
from tests.planner_world import planner_world
from tests.security.principals import Caller, World, token_for
from tests.tokens import Tokens, bearer

EXAMPLES = 60
# At least this share of the documents runs from a plan for a super admin, and some do for
# the other callers who may read root lists.
PLANNED_SHARE = 0.3
OTHER_READERS = (Caller.TENANT_ADMIN_OWNING, Caller.PLATFORM_READ)


# Documents generation found, sent as they are by every caller on every run.
FOUND = {
    "two root lists refused with different messages": GeneratedCase(
        """
        {
          partners(first: 2, after: "b2Zmc2V0OjA=", status: ACTIVE) { totalCount }
          groups(first: 2, after: "b2Zmc2V0OjA=", tenantId: "{S}") { totalCount }
        }
        """
    ),
    "two nullable root fields refused, in fragments": GeneratedCase(
        """
        {
          tenant(id: "{T}") { ... { id alias1: settings } }
          again2: tenant(id: "{T}") @include(if: true) { ... on Tenant { id alias3: settings } }
        }
        """
    ),
    "edges selecting `node` under two response keys": GeneratedCase(
        "{ users(first: 2) { edges { node { id } other: node { email } } } }"
    ),
    "a root list nulled by a relation's bad cursor, beside a root `tenant` loading a tenant "
    "its nodes load too (a CancelledError out of the app, before loads were shielded)": (
        GeneratedCase(
            """
            {
              groups(first: 2) {
                nodes { tenant { updatedAt } parents(first: 2, after: "nonsense") { totalCount } }
              }
              tenant(id: "{S}") { updatedAt }
            }
            """
        )
    ),
}


@pytest.fixture(scope="module")
async def world(app: FastAPI, sessions: async_sessionmaker[AsyncSession]) -> World:
    return await planner_world(app, sessions)


@pytest.fixture(scope="module")
async def loop() -> asyncio.AbstractEventLoop:
    """The loop the app and its connections live on, to run requests from Hypothesis's
    synchronous examples."""
    return asyncio.get_running_loop()


def comparable(response: httpx.Response, case: GeneratedCase) -> bytes | tuple[str, Any]:
    """The body's bytes; but root fields run concurrently, so when several of them fail, the
    order they fail in varies from run to run, with or without the planner (and a response
    with errors never came from a plan):

    - when they null the whole `data`, graphql-core reports the first to fail, which may be a
      root field or a non-null field below another root (`groups.nodes.0.members` failing
      before `partners` is refused): both must have nulled `data` with errors;
    - otherwise the errors are listed in the order they happened: `data` must be the same,
      and the errors the same in any order.
    """
    body: dict[str, Any] = response.json()
    errors: list[dict[str, Any]] | None = body.get("errors")
    if not (case.several_roots and errors):
        return response.content
    if body.get("data") is None:
        return "data null", True
    return json.dumps(body["data"]), sorted(json.dumps(error, sort_keys=True) for error in errors)


@dataclass
class Tally:
    documents: int = 0
    planned: Counter[Caller] = field(default_factory=Counter)  # documents that ran from a plan


async def _post(
    http: httpx.AsyncClient, payload: dict[str, Any], token: str | None, request: str
) -> httpx.Response:
    """The response; an exception out of the app (a cancellation too, which Hypothesis would
    not shrink) fails the comparison, naming the request."""
    try:
        return await http.post("/graphql", json=payload, headers=bearer(token) if token else {})
    except (Exception, asyncio.CancelledError) as exc:
        raise AssertionError(f"{request}\nraised {exc!r}") from exc


async def _compare(
    app: FastAPI,
    http: httpx.AsyncClient,
    world: World,
    tokens: Tokens,
    case: GeneratedCase,
    tally: Tally,
) -> None:
    payload = case.payload(world)
    tally.documents += 1
    for caller in Caller:
        token = token_for(caller, world, tokens)
        request = (
            f"caller {caller.value}\nquery:\n{payload['query']}\nvariables: {payload['variables']}"
            f"\noperationName: {payload.get('operationName')}"
        )
        with settings_changed(app, planned_execution=False):
            executed = await _post(http, payload, token, f"{request}\n(planner off)")
        before = PLANNER_FIGURES.planned
        planned = await _post(http, payload, token, f"{request}\n(planner on)")
        tally.planned[caller] += PLANNER_FIGURES.planned - before
        difference = (
            f"{request}\nexecuted ({executed.status_code}): {executed.text}"
            f"\nplanned ({planned.status_code}): {planned.text}"
        )
        assert planned.status_code == executed.status_code, difference
        assert planned.headers["content-type"] == executed.headers["content-type"], difference
        assert comparable(planned, case) == comparable(executed, case), difference


class TestGeneratedDocuments:
    def test_the_planner_answers_generated_documents_as_execution_does(
        self,
        app: FastAPI,
        world: World,
        http: httpx.AsyncClient,
        tokens: Tokens,
        loop: asyncio.AbstractEventLoop,
    ) -> None:
        # given
        tally = Tally()

        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.generate, Phase.shrink],
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(case=generated_cases())
        def same_answer(case: GeneratedCase) -> None:
            loop.run_until_complete(_compare(app, http, world, tokens, case, tally))

        # when
        same_answer()

        # then
        assert tally.planned[Caller.SUPER_ADMIN] >= PLANNED_SHARE * tally.documents, tally
        assert all(tally.planned[caller] for caller in OTHER_READERS), tally

    @pytest.mark.parametrize("case", list(FOUND.values()), ids=list(FOUND))
    async def test_documents_generation_found_get_the_same_answer(
        self,
        app: FastAPI,
        world: World,
        http: httpx.AsyncClient,
        tokens: Tokens,
        case: GeneratedCase,
    ) -> None:
        await _compare(app, http, world, tokens, case, Tally())
