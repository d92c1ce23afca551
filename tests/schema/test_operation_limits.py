"""Operation limits: for each, an operation just under passes and one just over is refused
with the limit named; page sizes hidden in variables count; budgets differ per role."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from graphql import get_introspection_query, parse
from graphql.language import Lexer, Source, TokenKind

from core.limits import DEFAULT_OPERATION_LIMITS as LIMITS
from core.principals import Role
from core.settings import Settings
from gateway.persisted_operations import operation_hash
from rest_compat.router import SCAIKEY_ROUTES
from rest_compat.table import Shape
from schema.limits import VALIDATION_COMPLEXITY_BUDGET
from schema.operation_figures import CEILING, Estimate, alias_count, document_depth
from schema.schema import schema
from schema.strawberry_private import graphql_core_schema
from tests.app_settings import settings_changed
from tests.conftest import GraphQLClient
from tests.fragment_documents import fan_out, fan_out_cost
from tests.tokens import Tokens, bearer


def refused(result: dict[str, Any], limit: str) -> dict[str, Any]:
    """The one error of an operation refused by `limit` (it never ran: no data)."""
    assert "data" not in result, result
    [error] = result["errors"]
    assert error["extensions"]["code"] == "OPERATION_LIMIT_EXCEEDED", error
    assert error["extensions"]["limit"] == limit, error
    return dict(error)


def passed(result: dict[str, Any]) -> None:
    assert "errors" not in result, result.get("errors")


def nested(depth: int) -> str:
    """A query whose deepest field is at `depth` (root fields are at depth 0)."""
    hops = ["tenants(first: 1)", "nodes", "partner"]
    path = [hops[i % 3] for i in range(depth)]
    leaf = "totalCount" if path and path[-1].startswith("tenants") else "id"
    return "{ " + " { ".join([*path, leaf]) + " }" * depth + " }"


def tokens_count(document: str) -> int:
    lexer = Lexer(Source(document))
    count = 0
    while lexer.advance().kind is not TokenKind.EOF:
        count += 1
    return count + document.count("#")  # comments are tokens for the limit too


class TestDepth:
    async def test_just_under_passes_just_over_is_refused(
        self, db: None, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        token = tokens.super_admin()
        assert document_depth(parse(nested(LIMITS.max_depth))) == LIMITS.max_depth

        passed(await gql(nested(LIMITS.max_depth), token=token))
        error = refused(await gql(nested(LIMITS.max_depth + 1), token=token), "max_depth")

        assert error["message"] == (
            f"Operation depth {LIMITS.max_depth + 1} exceeds the maximum depth of "
            f"{LIMITS.max_depth}"
        )
        assert error["extensions"]["maximum"] == LIMITS.max_depth
        assert error["extensions"]["actual"] == LIMITS.max_depth + 1

    async def test_fragments_do_not_hide_depth(self, gql: GraphQLClient, tokens: Tokens) -> None:
        query = (
            "{ tenants(first: 1) { ...T } } "
            "fragment T on TenantConnection { nodes { partner { tenants(first: 1) { ...T2 } } } } "
            "fragment T2 on TenantConnection { nodes { partner { tenants(first: 1) { "
            "nodes { partner { tenants(first: 1) { nodes { partner { tenants(first: 1) { "
            "nodes { id } } } } } } } } } } }"
        )

        error = refused(await gql(query, token=tokens.super_admin()), "max_depth")

        assert error["extensions"]["actual"] == document_depth(parse(query)) == 14


class TestAliases:
    @staticmethod
    def aliased(count: int) -> str:
        return "{ viewer { " + " ".join(f"r{i}: role" for i in range(count)) + " } }"

    async def test_just_under_passes_just_over_is_refused(
        self, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        token = tokens.super_admin()

        passed(await gql(self.aliased(LIMITS.max_aliases), token=token))
        error = refused(await gql(self.aliased(LIMITS.max_aliases + 1), token=token), "max_aliases")

        assert error["message"] == (
            f"{LIMITS.max_aliases + 1} aliases exceed the maximum of {LIMITS.max_aliases} "
            "per document"
        )
        assert alias_count(parse(self.aliased(7))) == 7


class TestRootFields:
    @staticmethod
    def roots(count: int) -> str:
        return "{ " + " ".join(f"v{i}: viewer {{ role }}" for i in range(count)) + " }"

    async def test_just_under_passes_just_over_is_refused(
        self, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        token = tokens.super_admin()

        passed(await gql(self.roots(LIMITS.max_root_fields), token=token))
        error = refused(
            await gql(self.roots(LIMITS.max_root_fields + 1), token=token), "max_root_fields"
        )

        assert error["message"] == (
            f"{LIMITS.max_root_fields + 1} root fields exceed the maximum of "
            f"{LIMITS.max_root_fields} per operation"
        )

    async def test_fields_that_merge_count_once_and_typename_not_at_all(
        self, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        fields = " ".join(f"v{i}: viewer {{ role }}" for i in range(LIMITS.max_root_fields))
        query = (
            f"{{ {fields} __typename v0: viewer {{ subject }} ...F }} "
            "fragment F on Query { v1: viewer { role } }"
        )

        passed(await gql(query, token=tokens.super_admin()))


class TestTokens:
    @staticmethod
    def padded(count: int) -> str:
        query = "{ viewer { role } }"  # 6 tokens
        return "#\n" * (count - 6) + query

    async def test_just_under_passes_just_over_is_refused(
        self, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        token = tokens.super_admin()
        assert tokens_count(self.padded(LIMITS.max_tokens)) == LIMITS.max_tokens

        passed(await gql(self.padded(LIMITS.max_tokens), token=token))
        error = refused(await gql(self.padded(LIMITS.max_tokens + 1), token=token), "max_tokens")

        assert error["message"] == (
            f"The document has more than {LIMITS.max_tokens:,} tokens, the maximum "
            "(parsing stopped there)"
        )


# cost = 4 + a * (2 + b * (2 + c)) + d
COST = """
query ($a: Int, $b: Int, $c: Int, $d: Int) {
  tenants(first: $a) { nodes { users(first: $b) { nodes { groups(first: $c) { nodes { id } } } } } }
  groups(first: $d) { nodes { id } }
}
"""


def cost_variables(a: int, b: int, c: int, d: int) -> dict[str, int]:
    return {"a": a, "b": b, "c": c, "d": d}


def role_token(tokens: Tokens, role: str) -> str:
    return {
        "super_admin": tokens.super_admin,
        "partner_admin": lambda: tokens.partner_admin("prt_x"),
        "tenant_admin": lambda: tokens.tenant_admin("tnt_x"),
        "platform": lambda: tokens.platform("admin:read"),
    }[role]()


class TestCost:
    def test_the_estimate_multiplies_by_page_sizes(self) -> None:
        def cost(query: str, variables: dict[str, Any] | None = None) -> int:
            document = parse(query)
            operation = document.definitions[0]
            return Estimate(graphql_core_schema(schema), document, variables).cost(operation)  # type: ignore[arg-type]

        assert cost("{ tenants(first: 5) { nodes { id name } } }") == 12
        assert cost("{ tenants { nodes { id } } }") == 2 + 20  # no `first`: a page of 20
        assert cost("{ tenants(first: null) { nodes { id } } }") == 2 + 20
        assert cost("{ tenants(first: 5000) { nodes { id } } }") == 2 + 100  # as resolvers cap
        assert cost("{ tenants(first: 5) { totalCount pageInfo { hasNextPage } } }") == 4
        assert cost("{ tenants(first: 5) { edges { cursor node { id } } } }") == 2 + 5 * 3
        assert cost("{ tenants(first: 5) { nodes { __typename id } } }") == 2 + 5
        assert cost(COST, cost_variables(99, 49, 0, 96)) == 10_000
        fragment = (
            "query ($n: Int) { tenants(first: $n) { ...N } } "
            "fragment N on TenantConnection { nodes { id } }"
        )
        assert cost(fragment, {"n": 50}) == 2 + 50

    @pytest.mark.parametrize(
        ("role", "a", "b", "c"),
        [
            ("super_admin", 100, 7, 69),
            ("partner_admin", 100, 13, 17),
            ("tenant_admin", 99, 49, 0),
            ("platform", 99, 49, 0),
        ],
    )
    async def test_just_under_the_role_s_budget_passes_just_over_is_refused(
        self, db: None, gql: GraphQLClient, tokens: Tokens, role: str, a: int, b: int, c: int
    ) -> None:
        budget = LIMITS.cost_for(Role(role))
        token = role_token(tokens, role)
        assert 4 + a * (2 + b * (2 + c)) + 96 == budget

        passed(await gql(COST, cost_variables(a, b, c, 96), token=token))
        error = refused(await gql(COST, cost_variables(a, b, c, 97), token=token), "cost")

        assert (
            error["message"] == f"Query cost {budget + 1:,} exceeds the {role} budget of {budget:,}"
        )
        assert error["extensions"]["role"] == role
        assert (error["extensions"]["maximum"], error["extensions"]["actual"]) == (
            budget,
            budget + 1,
        )

    async def test_budgets_differ_per_role(
        self, db: None, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        # 4 + 10 * (2 + 19 * 102) = 19,404: over 10,000, under 25,000
        variables = cost_variables(10, 19, 100, 0)
        outcomes = {}
        for role in ("super_admin", "partner_admin", "tenant_admin", "platform"):
            result = await gql(COST, variables, token=role_token(tokens, role))
            outcomes[role] = "errors" not in result

        assert outcomes == {
            "super_admin": True,
            "partner_admin": True,
            "tenant_admin": False,
            "platform": False,
        }
        assert LIMITS.cost_tenant_admin < LIMITS.cost_partner_admin < LIMITS.cost_super_admin
        assert LIMITS.cost_platform < LIMITS.cost_super_admin

    async def test_page_sizes_hidden_in_variables_are_counted(
        self, db: None, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        attack = """
        query Innocent($n: Int) {
          tenants(first: $n) { nodes { users(first: $n) { nodes {
            groups(first: $n) { nodes { members(first: $n) { nodes { id } } } } } } } }
        }"""
        token = tokens.super_admin()

        passed(await gql(attack, {"n": 3}, token=token))
        error = refused(await gql(attack, {"n": 100}, token=token), "cost")

        # 2 + n(2 + n(2 + n(2 + n))) at n = 100, not at a default page size
        assert error["extensions"]["actual"] == 2 + 100 * (2 + 100 * (2 + 100 * (2 + 100)))

    async def test_a_variable_s_default_page_size_is_counted(
        self, db: None, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        query = """
        query ($n: Int = 100) {
          tenants(first: $n) { nodes { users(first: $n) { nodes { groups(first: $n) {
            nodes { id } } } } } }
        }"""

        error = refused(await gql(query, token=tokens.tenant_admin("tnt_x")), "cost")

        assert error["extensions"]["actual"] == 2 + 100 * (2 + 100 * (2 + 100))

    async def test_a_request_without_a_token_gets_the_smallest_budget(
        self, gql: GraphQLClient
    ) -> None:
        error = refused(await gql(COST, cost_variables(99, 49, 0, 97)), "cost")

        assert "anonymous budget of 10,000" in error["message"]


class TestConfiguration:
    def test_each_limit_is_read_from_the_environment(self, monkeypatch: pytest.MonkeyPatch) -> None:
        values = {
            "SCAIGATE_LIMIT_MAX_DEPTH": "4",
            "SCAIGATE_LIMIT_MAX_ALIASES": "5",
            "SCAIGATE_LIMIT_MAX_ROOT_FIELDS": "6",
            "SCAIGATE_LIMIT_MAX_TOKENS": "700",
            "SCAIGATE_LIMIT_COST_SUPER_ADMIN": "8000",
            "SCAIGATE_LIMIT_COST_PARTNER_ADMIN": "900",
            "SCAIGATE_LIMIT_COST_TENANT_ADMIN": "100",
            "SCAIGATE_LIMIT_COST_PLATFORM": "110",
            "SCAIGATE_LIMIT_MAX_BODY_BYTES": "2048",
        }
        for name, value in values.items():
            monkeypatch.setenv(name, value)

        settings = Settings(_env_file=None)  # type: ignore[call-arg]

        limits = settings.operation_limits
        assert (limits.max_depth, limits.max_aliases, limits.max_root_fields) == (4, 5, 6)
        assert limits.max_tokens == 700
        assert (limits.cost_super_admin, limits.cost_partner_admin) == (8000, 900)
        assert (limits.cost_tenant_admin, limits.cost_platform) == (100, 110)
        assert settings.limit_max_body_bytes == 2048

    async def test_a_changed_limit_applies_to_the_next_request(
        self, db: None, app: FastAPI, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        token = tokens.super_admin()
        with settings_changed(app, limit_max_depth=3, limit_cost_super_admin=30):
            passed(await gql(nested(3), token=token))
            depth = refused(await gql(nested(4), token=token), "max_depth")
            cost = refused(
                await gql("{ tenants(first: 29) { nodes { id } } }", token=token), "cost"
            )

        assert depth["extensions"]["maximum"] == 3
        assert cost["message"] == "Query cost 31 exceeds the super_admin budget of 30"


class TestEverySurface:
    def test_every_rest_document_stays_far_below_every_limit(self) -> None:
        smallest_budget = min(LIMITS.cost_for(role) for role in Role)
        for route in SCAIKEY_ROUTES:
            document = parse(route.document)
            operation = document.definitions[0]
            variables = {"first": 100} if route.shape is Shape.PAGE else {}
            estimate = Estimate(graphql_core_schema(schema), document, variables)

            assert document_depth(document) <= LIMITS.max_depth, route.path
            assert alias_count(document) <= LIMITS.max_aliases, route.path
            assert estimate.root_fields(operation) <= LIMITS.max_root_fields, route.path  # type: ignore[arg-type]
            assert tokens_count(route.document) <= LIMITS.max_tokens, route.path
            assert estimate.cost(operation) <= smallest_budget / 2, route.path  # type: ignore[arg-type]

    async def test_rest_executions_are_checked_too(
        self, db: None, app: FastAPI, http: Any, tokens: Tokens
    ) -> None:
        with settings_changed(app, limit_cost_super_admin=50):
            response = await http.get(
                "/api/v1/admin/tenants?per_page=100",
                headers={"Authorization": f"Bearer {tokens.super_admin()}"},
            )

        assert response.json()["code"] == "OPERATION_LIMIT_EXCEEDED"

    async def test_the_explorer_s_introspection_query_fits_without_a_token(
        self, gql: GraphQLClient
    ) -> None:
        query = get_introspection_query(
            descriptions=True, specified_by_url=True, directive_is_repeatable=True
        )

        result = await gql(query)

        passed(result)
        assert result["data"]["__schema"]["queryType"]["name"] == "Query"


class TestFragmentFanOut:
    """Documents whose expansion is astronomically large are refused before validation,
    without a token, and nothing runs."""

    async def test_is_refused_without_a_token(self, gql: GraphQLClient) -> None:
        result = await gql(fan_out(40))

        error = refused(result, "cost")
        assert error["extensions"]["actual"] == fan_out_cost(40)
        assert error["extensions"]["role"] == "anonymous"
        assert result["_statements"] == 0

    async def test_a_figure_past_the_ceiling_is_reported_as_a_lower_bound(
        self, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        document = fan_out(200)
        assert tokens_count(document) <= LIMITS.max_tokens

        error = refused(await gql(document, token=tokens.super_admin()), "cost")

        assert error["extensions"]["actual"] == CEILING
        assert error["message"] == (
            f"Query cost {CEILING:,} or more exceeds the super_admin budget of "
            f"{LIMITS.cost_super_admin:,}"
        )

    async def test_aliases_count_as_often_as_their_fragment_is_spread(
        self, gql: GraphQLClient
    ) -> None:
        error = refused(await gql(fan_out(40, "v{i}: viewer { role }")), "max_aliases")

        assert error["extensions"]["actual"] == 2**41 - 1

    async def test_the_limits_come_before_validation(self, gql: GraphQLClient) -> None:
        # The last fragment selects a field that does not exist.
        document = fan_out(40, "viewer { role }").replace("role } }", "role nothing } }")

        refused(await gql(document), "cost")

    async def test_get_requests_are_refused_too(self, http: Any) -> None:
        response = await http.get("/graphql", params={"query": fan_out(40)})

        body = response.json()
        assert "data" not in body
        assert body["errors"][0]["extensions"]["limit"] == "cost"

    async def test_an_automatic_persisted_query_is_refused_and_not_stored(
        self, db: None, http: Any, tokens: Tokens
    ) -> None:
        document = fan_out(40)
        extensions = {"persistedQuery": {"version": 1, "sha256Hash": operation_hash(document)}}
        headers = bearer(tokens.super_admin())

        sent = await http.post(
            "/graphql", json={"query": document, "extensions": extensions}, headers=headers
        )
        by_hash = await http.post("/graphql", json={"extensions": extensions}, headers=headers)

        assert sent.json()["errors"][0]["extensions"]["limit"] == "cost"
        assert by_hash.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"

    async def test_a_fragment_cycle_is_refused(self, gql: GraphQLClient) -> None:
        cycle = "query { ...A } fragment A on Query { viewer { role } ...B } "
        cycle += "fragment B on Query { ...A ...B }"

        result = await gql(cycle)

        assert "data" not in result
        messages = [error["message"] for error in result["errors"]]
        assert "Cannot spread fragment 'A' within itself via 'B'." in messages
        assert {error["extensions"]["code"] for error in result["errors"]} == {
            "GRAPHQL_VALIDATION_FAILED"
        }

    async def test_a_fanned_out_cycle_is_refused_by_its_cost(self, gql: GraphQLClient) -> None:
        last = "fragment F40 on Query {"
        document = fan_out(40).replace(last, f"{last} ...F0 ...F0")

        refused(await gql(document), "cost")


class TestValidationComplexity:
    async def test_a_document_too_costly_to_validate_is_refused(self, gql: GraphQLClient) -> None:
        # 300 fields of one response name: ~225,000 units of comparison work
        document = "{ " + "viewer { role } " * 300 + "}"

        error = refused(await gql(document), "validation_complexity")

        assert error["message"].startswith("The document is too complex to validate")
        assert error["extensions"]["maximum"] == VALIDATION_COMPLEXITY_BUDGET

    async def test_repeated_fields_of_a_realistic_document_validate(
        self, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        document = "{ " + "viewer { role } " * 20 + "}"

        passed(await gql(document, token=tokens.super_admin()))
