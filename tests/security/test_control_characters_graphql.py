"""A control character in a GraphQL variable or literal, wherever it is in the document, is
BAD_USER_INPUT naming where it was, and nothing is written."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.conftest import GraphQLClient
from tests.factories import create_partner, create_tenant, create_user
from tests.security.control_characters import NUL, row_counts
from tests.tokens import Tokens

CREATE_USER = """
mutation ($input: CreateUserInput!) { createUser(input: $input) { id } }
"""
NODE_BY_VARIABLE = "query ($id: ID!) { node(id: $id) { id } }"
GRAPHQL_CASES: list[tuple[str, str, dict[str, Any] | None, str]] = [
    # (label, document, variables, the place named in the message)
    ("id variable", NODE_BY_VARIABLE, {"id": f"usr_{NUL}"}, "Variable '$id' has invalid value:"),
    ("id literal", '{ node(id: "usr_\\u0000") { id } }', None, "id:"),
    (
        "id in a fragment",
        '{ ...F } fragment F on Query { node(id: "\\u0001") { id } }',
        None,
        "id:",
    ),
    ("default value", 'query ($id: ID! = "usr_\\u0000") { node(id: $id) { id } }', None, "$id:"),
    (
        "email variable",
        CREATE_USER,
        {"input": {"tenantId": "tnt_x", "email": f"a{NUL}@example.com"}},
        "Variable '$input' has invalid value at .email:",
    ),
    (
        "email literal",
        'mutation { createUser(input: {tenantId: "tnt_x", email: "a\\u0000@example.com"}) { id } }',
        None,
        "input.email:",
    ),
    (
        "JSON key in a variable",
        CREATE_USER,
        {"input": {"tenantId": "tnt_x", "email": "a@example.com", "customAttributes": {NUL: 1}}},
        "Variable '$input' has invalid value at .customAttributes:",
    ),
    (
        "JSON value deep in a variable",
        CREATE_USER,
        {
            "input": {
                "tenantId": "tnt_x",
                "email": "a@example.com",
                "customAttributes": {"a": [{"b": [f"c{NUL}"]}]},
            }
        },
        "Variable '$input' has invalid value at .customAttributes:",
    ),
    (
        "JSON value in a literal",
        'mutation { createUser(input: {tenantId: "tnt_x", email: "a@example.com", '
        'customAttributes: {a: ["\\u0000"]}}) { id } }',
        None,
        "input.customAttributes.a[0]:",
    ),
    (
        "list item in a variable",
        "mutation ($input: CreateApplicationInput!) "
        "{ createApplication(input: $input) { clientSecret } }",
        {
            "input": {
                "tenantId": "tnt_x",
                "level": "TENANT",
                "appType": "WEB",
                "name": "A",
                "redirectUris": ["https://ok.example.com", f"https://{NUL}"],
            }
        },
        "Variable '$input' has invalid value at .redirectUris[1]:",
    ),
]


class TestGraphQL:
    @pytest.mark.parametrize(
        ("document", "variables", "named"),
        [case[1:] for case in GRAPHQL_CASES],
        ids=[case[0] for case in GRAPHQL_CASES],
    )
    async def test_a_control_character_is_bad_user_input_naming_where(
        self,
        document: str,
        variables: dict[str, Any] | None,
        named: str,
        db: None,
        sessions: async_sessionmaker[AsyncSession],
        gql: GraphQLClient,
        tokens: Tokens,
    ) -> None:
        before = await row_counts(sessions)

        result = await gql(document, variables, token=tokens.super_admin())

        error = result["errors"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", error
        assert error["message"].startswith(named), error["message"]
        assert "must not contain control characters" in error["message"]
        assert result.get("data") is None
        assert await row_counts(sessions) == before

    async def test_a_clean_id_still_runs(
        self,
        db: None,
        sessions: async_sessionmaker[AsyncSession],
        gql: GraphQLClient,
        tokens: Tokens,
    ) -> None:
        user = await create_user(
            sessions, tenant=await create_tenant(sessions, partner=await create_partner(sessions))
        )

        result = await gql(NODE_BY_VARIABLE, {"id": user.id}, token=tokens.super_admin())

        assert result["data"] == {"node": {"id": user.id}}
