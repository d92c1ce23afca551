"""Numbers and bodies are read strictly: page numbers, page sizes, limits and cursors in ASCII
digits and within the range the API pages through (422 naming the parameter, never a server
error), and a REST body only when it is declared JSON (415 otherwise)."""

from __future__ import annotations

import base64

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import Partner
from resolvers.pagination import MAX_OFFSET, MAX_PAGE
from tests.conftest import GraphQLClient
from tests.factories import create_partner, create_tenant, create_user
from tests.tokens import Tokens, bearer

USERS = "/api/v1/admin/users"
PARTNERS = "/api/v1/admin/partners"
ACTIVITY = "/api/v1/admin/dashboard/activity"
PARTNERS_AFTER = """
query ($after: String) { partners(first: 5, after: $after) { nodes { id } } }
"""


def _cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


def _refused(response: httpx.Response, name: str) -> str:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "BAD_USER_INPUT"
    assert body["detail"].startswith(name), body
    detail: str = body["detail"]
    return detail


class TestPageNumbers:
    @pytest.mark.parametrize(
        "page",
        ["\u0663", "\u00b2", "\uff13", "1e3", "+3", "-1", "0", " 3", "3.0", ""],
        ids=[
            "arabic-indic",
            "superscript",
            "fullwidth",
            "exponent",
            "plus",
            "minus",
            "zero",
            "space",
            "decimal",
            "empty",
        ],
    )
    async def test_anything_but_ascii_digits_is_refused(
        self, page: str, db: None, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        response = await http.get(
            USERS, params={"page": page}, headers=bearer(tokens.super_admin())
        )

        _refused(response, "page")

    @pytest.mark.parametrize("page", [str(MAX_PAGE + 1), "1" + "0" * 30, "9" * 5000])
    async def test_a_page_past_the_range_is_refused_by_name(
        self, page: str, db: None, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        response = await http.get(
            USERS, params={"page": page}, headers=bearer(tokens.super_admin())
        )

        assert _refused(response, "page") == f"page must be at most {MAX_PAGE}"

    async def test_the_last_page_in_range_answers_an_empty_page(
        self, db: None, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        response = await http.get(
            USERS,
            params={"page": str(MAX_PAGE), "per_page": "100"},
            headers=bearer(tokens.super_admin()),
        )

        assert response.status_code == 200, response.text
        assert response.json()["data"] == []
        assert response.json()["pagination"]["page"] == MAX_PAGE

    async def test_leading_zeros_are_still_a_number(
        self,
        db: None,
        sessions: async_sessionmaker[AsyncSession],
        http: httpx.AsyncClient,
        tokens: Tokens,
    ) -> None:
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))
        for _ in range(3):
            await create_user(sessions, tenant=tenant)

        response = await http.get(
            USERS, params={"page": "002", "per_page": "02"}, headers=bearer(tokens.super_admin())
        )

        assert response.status_code == 200, response.text
        assert response.json()["pagination"] == {
            "page": 2,
            "per_page": 2,
            "total": 3,
            "total_pages": 2,
        }
        assert len(response.json()["data"]) == 1


class TestPageSizesAndLimits:
    @pytest.mark.parametrize("per_page", ["\u0665", "101", "9" * 5000])
    async def test_per_page_is_ascii_and_bounded(
        self, per_page: str, db: None, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        response = await http.get(
            USERS, params={"per_page": per_page}, headers=bearer(tokens.super_admin())
        )

        _refused(response, "per_page")

    @pytest.mark.parametrize("limit", ["\u0665", "\u00b2", "0", "101", "9" * 5000])
    async def test_limit_is_ascii_and_bounded(
        self, limit: str, db: None, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        response = await http.get(
            ACTIVITY, params={"limit": limit}, headers=bearer(tokens.super_admin())
        )

        assert _refused(response, "limit") == "limit: must be an integer from 1 to 100"


class TestCursors:
    @pytest.mark.parametrize(
        "offset",
        [str(MAX_OFFSET), "1" + "0" * 30, "9" * 5000],
    )
    async def test_a_well_formed_cursor_past_the_range_is_bad_user_input(
        self, offset: str, db: None, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        result = await gql(
            PARTNERS_AFTER, {"after": _cursor(f"offset:{offset}")}, token=tokens.super_admin()
        )

        error = result["errors"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert error["extensions"]["field"] == "after"
        assert error["message"].startswith("after: is past the furthest row")

    @pytest.mark.parametrize(
        "cursor",
        [
            _cursor("offset:\u0663"),
            _cursor("offset:\u00b2"),
            _cursor("offset:-1"),
            _cursor("other:1"),
            "not base64 at all!",
            _cursor("offset:"),
        ],
    )
    async def test_a_malformed_cursor_is_bad_user_input(
        self, cursor: str, db: None, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        result = await gql(PARTNERS_AFTER, {"after": cursor}, token=tokens.super_admin())

        error = result["errors"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert error["message"] == "after: is not a cursor returned by this API"

    async def test_the_last_cursor_in_range_answers_an_empty_page(
        self, db: None, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        result = await gql(
            PARTNERS_AFTER,
            {"after": _cursor(f"offset:{MAX_OFFSET - 1}")},
            token=tokens.super_admin(),
        )

        assert result["data"] == {"partners": {"nodes": []}}


class TestMediaTypes:
    @pytest.mark.parametrize(
        "content_type",
        [
            "text/plain",
            "application/x-www-form-urlencoded",
            "application/json; charset=latin-1",
            None,
        ],
    )
    async def test_a_json_body_not_declared_json_is_415(
        self,
        content_type: str | None,
        db: None,
        sessions: async_sessionmaker[AsyncSession],
        http: httpx.AsyncClient,
        tokens: Tokens,
    ) -> None:
        headers = bearer(tokens.super_admin())
        if content_type is not None:
            headers["content-type"] = content_type

        response = await http.post(
            PARTNERS, content=b'{"name": "P", "slug": "p-plain"}', headers=headers
        )

        assert response.status_code == 415, response.text
        assert response.json()["code"] == "UNSUPPORTED_MEDIA_TYPE"
        assert "application/json" in response.json()["detail"]
        async with sessions() as session:
            assert (await session.execute(select(func.count()).select_from(Partner))).scalar() == 0

    @pytest.mark.parametrize(
        "content_type",
        ["application/json", "application/json; charset=UTF-8", "application/merge-patch+json"],
    )
    async def test_json_media_types_are_read(
        self, content_type: str, db: None, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        response = await http.post(
            PARTNERS,
            content=b'{"name": "P", "slug": "p-json"}',
            headers={**bearer(tokens.super_admin()), "content-type": content_type},
        )

        assert response.status_code == 201, response.text

    async def test_an_optional_body_may_be_left_out_entirely(
        self,
        db: None,
        sessions: async_sessionmaker[AsyncSession],
        http: httpx.AsyncClient,
        tokens: Tokens,
    ) -> None:
        user = await create_user(
            sessions, tenant=await create_tenant(sessions, partner=await create_partner(sessions))
        )

        response = await http.patch(f"{USERS}/{user.id}", headers=bearer(tokens.super_admin()))

        assert response.status_code == 200, response.text
        assert response.json()["id"] == user.id

    async def test_sign_in_reads_only_json(self, db: None, http: httpx.AsyncClient) -> None:
        response = await http.post(
            "/auth/sign-in",
            content=b'{"email": "ann@example.com", "password": "pw"}',
            headers={"content-type": "text/plain"},
        )

        assert response.status_code == 415, response.text
        assert response.json()["code"] == "UNSUPPORTED_MEDIA_TYPE"

    async def test_a_body_nested_past_the_parser_is_422(
        self, db: None, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        response = await http.post(
            PARTNERS,
            content=b"[" * 100_000,
            headers={**bearer(tokens.super_admin()), "content-type": "application/json"},
        )

        assert response.status_code == 422, response.text
        assert response.json()["code"] == "BAD_USER_INPUT"
