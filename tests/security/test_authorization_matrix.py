"""Every caller, every GraphQL root field and mutation, every REST route of the admin API.

Each decision is compared with the table in `policies.py`, and GraphQL and REST must agree.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.auth import build_request_context
from resolvers.resources import RESOURCES
from rest_compat.router import scaikey_router
from rest_compat.runner import status_for
from rest_compat.scaiwave_router import scaiwave_router
from schema.schema import schema
from tests.databases import empty_all_tables
from tests.factories import create_partner, create_tenant
from tests.security import audit_trail
from tests.security.catalog import OPERATIONS
from tests.security.expectations_resources import EXPECTATIONS
from tests.security.operations import Operation
from tests.security.operations_resources import expectation_name, reads_of
from tests.security.policies import (
    EXPECTED,
    PLATFORM_REFUSED_BY_ROLE,
    SCOPE_MESSAGES,
    SCOPED_READS,
    Outcome,
    Policy,
)
from tests.security.principals import Caller, World, token_for
from tests.tokens import Tokens, bearer

LIMITS = {
    "max_tenants": 100_000,
    "max_users_per_tenant": 100_000,
    "max_applications_per_tenant": 100_000,
}
READ_POLICIES = {
    Policy.READ_ONE,
    Policy.READ_LIST,
    Policy.GLOBAL_READ_ONE,
    Policy.PARTNER_BY_NODE,
    Policy.PARTNER_OF_T,
}


@pytest.fixture(scope="module")
async def world(app: FastAPI, sessions: async_sessionmaker[AsyncSession]) -> World:
    await empty_all_tables(app.state.engine)
    partner = await create_partner(sessions, **LIMITS)
    other = await create_partner(sessions, **LIMITS)
    return World(
        partner=partner,
        other_partner=other,
        tenant=await create_tenant(sessions, partner=partner),
        sibling=await create_tenant(sessions, partner=partner),
        foreign=await create_tenant(sessions, partner=other),
    )


def _headers(token: str | None) -> dict[str, str]:
    return bearer(token) if token else {}


def expected_message(policy: Policy, caller: Caller) -> str:
    reads = READ_POLICIES | SCOPED_READS
    if caller is Caller.PLATFORM_NO_SCOPE and policy in reads:
        return SCOPE_MESSAGES["read"]
    platform_on_write = caller in (Caller.PLATFORM_NO_SCOPE, Caller.PLATFORM_READ)
    if platform_on_write and policy not in reads | PLATFORM_REFUSED_BY_ROLE:
        return SCOPE_MESSAGES["write"]
    return "Access denied"


async def graphql_outcome(
    http: httpx.AsyncClient, operation: Operation, targets: dict[str, str], token: str | None
) -> tuple[Outcome, str]:
    call = operation.graphql
    response = await http.post(
        "/graphql",
        json={"query": call.document, "variables": call.variables(targets)},
        headers=_headers(token),
    )
    if response.status_code == 401:
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        return 401, response.json()["errors"][0]["message"]
    body: dict[str, Any] = response.json()
    assert response.status_code == 200, body
    if body.get("errors"):
        error = body["errors"][0]
        return status_for(error["extensions"]["code"]), error["message"]
    value = body["data"][call.field]
    if call.relation is not None:
        return relation_outcome(operation, targets, value, body)
    if call.within is not None and value is not None:
        value = value[call.within]
    if call.list_of:
        ids = {node["id"] for node in value["nodes"]}
        return ("ok" if targets[operation.target] in ids else "hidden"), ""
    assert value is not None, body
    if operation.policy in READ_POLICIES:
        assert value["id"] == targets["id"]
    return "ok", ""


def relation_outcome(
    operation: Operation, targets: dict[str, str], parent: Any, body: Any
) -> tuple[Outcome, str]:
    """A relation read through its parent read by id: "ok" when it answers the related row
    the setup names (or, naming none, answers at all), "hidden" when it leaves it out."""
    call = operation.graphql
    assert call.relation is not None and parent is not None, body
    assert parent["id"] == targets["id"]
    value = parent[call.relation]
    if value is None:
        return "hidden", ""
    ids = {node["id"] for node in value["nodes"]} if call.list_of else {value["id"]}
    wanted = targets.get(operation.target)
    return ("ok" if wanted is None or wanted in ids else "hidden"), ""


async def rest_outcome(
    http: httpx.AsyncClient, operation: Operation, targets: dict[str, str], token: str | None
) -> tuple[Outcome, str]:
    call = operation.rest
    assert call is not None
    response = await http.request(
        call.method,
        call.path(targets),
        json=call.body(targets),
        headers={**_headers(token), **call.headers(targets)},
    )
    if response.status_code in (200, 201, 204):
        if call.list_of:
            ids = {item["id"] for item in response.json()["data"]}
            return ("ok" if targets[operation.target] in ids else "hidden"), ""
        return "ok", ""
    return response.status_code, response.json().get("detail", "")


@pytest.mark.parametrize("caller", list(Caller), ids=lambda c: c.value)
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda o: o.name)
async def test_decision(
    world: World,
    sessions: async_sessionmaker[AsyncSession],
    http: httpx.AsyncClient,
    tokens: Tokens,
    operation: Operation,
    caller: Caller,
) -> None:
    expected = EXPECTED[operation.policy][caller]
    token = token_for(caller, world, tokens)

    targets = await operation.setup(sessions, world)
    await audit_trail.clear(sessions, keep=targets.values())
    graphql, graphql_message = await graphql_outcome(http, operation, targets, token)
    assert graphql == expected, f"GraphQL {operation.name} as {caller.value}: {graphql_message}"
    if expected == 403:
        assert graphql_message == expected_message(operation.policy, caller)
    field = operation.graphql.field
    recorded = await audit_trail.events(sessions, skip=targets.values())
    audit_trail.check(recorded, field=field, caller=caller, outcome=graphql, surface="GraphQL")

    if operation.rest is not None:
        targets = await operation.setup(sessions, world)
        await audit_trail.clear(sessions, keep=targets.values())
        rest, rest_message = await rest_outcome(http, operation, targets, token)
        assert rest == expected, f"REST {operation.name} as {caller.value}: {rest_message}"
        assert rest == graphql
        if expected == 403:
            assert rest_message == graphql_message
        recorded = await audit_trail.events(sessions, skip=targets.values())
        audit_trail.check(recorded, field=field, caller=caller, outcome=rest, surface="REST")


class TestTheMatrixIsExhaustive:
    def test_every_root_field_and_mutation_is_in_the_matrix(self) -> None:
        covered = {operation.graphql.field for operation in OPERATIONS}
        query = schema.get_type_by_name("Query")
        mutation = schema.get_type_by_name("Mutation")
        assert query is not None and mutation is not None
        roots = {f.graphql_name or _camel(f.python_name) for f in query.fields + mutation.fields}  # type: ignore[union-attr]

        assert roots - covered == set()

    @pytest.mark.parametrize(
        ("router", "count"),
        [(scaikey_router, 50), (scaiwave_router, 22)],
        ids=["ScaiKey", "ScaiWave"],
    )
    def test_every_rest_route_is_in_the_matrix(self, router: Any, count: int) -> None:
        routes = [
            route for route in router(build_request_context).routes if isinstance(route, APIRoute)
        ]
        covered: set[tuple[str, str]] = set()
        sample = {
            "id": "x_1",
            "user": "usr_1",
            "child": "grp_1",
            "tenant": "tnt_1",
            "partner": "prt_1",
        }
        for operation in OPERATIONS:
            if operation.rest is None:
                continue
            path = operation.rest.path(sample).split("?")[0]
            for route in routes:
                if operation.rest.method in (route.methods or ()) and route.path_regex.match(path):
                    covered.add((operation.rest.method, route.path))

        assert {(m, r.path) for r in routes for m in (r.methods or ())} - covered == set()
        assert len(routes) == count  # ScaiWave: the spec's 22 endpoints


class TestEveryResourceHasExpectations:
    """The reads derived from the descriptors run only where the table says what they answer."""

    def test_every_resource_has_an_entry(self) -> None:
        assert {r.name for r in RESOURCES} - EXPECTATIONS.keys() == set()
        assert EXPECTATIONS.keys() - {r.name for r in RESOURCES} == set()

    @pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
    def test_every_derived_read_has_a_written_expectation(self, resource: Any) -> None:
        derived = {expectation_name(name) for name, _, _ in reads_of(resource)}
        written = set(EXPECTATIONS[resource.name].reads)

        assert derived - written == set(), f"{resource.name}: reads without an expectation"
        assert written - derived == set(), f"{resource.name}: expectations of no read"

    def test_the_derived_reads_are_in_the_matrix(self) -> None:
        names = {operation.name for operation in OPERATIONS}
        derived = {name for resource in RESOURCES for name, _, _ in reads_of(resource)}

        assert derived <= names
        assert {"user", "users", "node(user)", "user.tenant", "tenant.users"} <= derived
        assert {"users(filter, orderBy)", "tenants(filter, orderBy)"} <= derived


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
