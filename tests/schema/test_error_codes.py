"""Error codes over GraphQL: input problems are BAD_USER_INPUT, never masked as internal."""

from __future__ import annotations

from tests.conftest import GraphQLClient
from tests.tokens import Tokens

CREATE_PARTNER = """
mutation ($input: CreatePartnerInput!) { createPartner(input: $input) { id } }
"""


class TestVariableCoercion:
    async def test_a_wrong_type_in_a_variable_is_bad_user_input(
        self, db: None, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        result = await gql(
            CREATE_PARTNER,
            {"input": {"name": "P", "slug": "p", "maxTenants": "ten"}},
            token=tokens.super_admin(),
        )

        error = result["errors"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert "maxTenants" in error["message"]
        assert "Int cannot represent" in error["message"]
        assert "data" not in result or result["data"] is None

    async def test_a_missing_required_variable_is_bad_user_input(
        self, db: None, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        result = await gql(CREATE_PARTNER, {}, token=tokens.super_admin())

        assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


class TestDocumentErrors:
    async def test_an_unknown_field_is_a_validation_failure(
        self, db: None, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        result = await gql("{ tenants { nope } }", token=tokens.super_admin())

        assert result["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"

    async def test_a_syntax_error_is_a_parse_failure(
        self, db: None, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        result = await gql("{ tenants ", token=tokens.super_admin())

        assert result["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"

    async def test_an_unused_variable_is_a_validation_failure(
        self, db: None, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        result = await gql(
            "query ($x: Int) { viewer { role } }", {"x": 1}, token=tokens.super_admin()
        )

        assert result["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
