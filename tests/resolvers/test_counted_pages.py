"""A page whose total will be read counts it in its own statement: the same rows, the same
total, one round trip; a page with no rows to carry the total counts it with a second."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.principals import Principal, Role
from db.engine import count_statements
from resolvers import resources
from resolvers.listing import Listing, Page, PageRequest, fetch_page, select_listed
from resolvers.pagination import encode_cursor
from tests.app_settings import settings_changed
from tests.factories import create_partner, create_tenant, create_user
from tests.tokens import Tokens, bearer

Sessions = async_sessionmaker[AsyncSession]
SUPER = Principal(role=Role.SUPER_ADMIN, subject="usr_super")


class Reader:
    def __init__(self, sessions: Sessions) -> None:
        self.sessions = sessions

    def __call__(self) -> Any:
        return self.sessions()


@pytest.fixture
async def tenant_id(sessions: Sessions, db: None) -> str:
    tenant = await create_tenant(sessions, partner=await create_partner(sessions))
    for n in range(5):
        await create_user(sessions, tenant=tenant, display_name=f"Person {n % 3}")
    return tenant.id


async def _page(sessions: Sessions, counted: bool, relay: dict[str, Any]) -> tuple[Page, int]:
    listing = Listing(order_by=["DISPLAY_NAME_DESC"])
    request = PageRequest.from_relay(listing.order(resources.USER), **relay)
    listed = select_listed(resources.USER, SUPER, listing)
    with count_statements() as counter:
        page = await fetch_page(Reader(sessions), listed, request, counted=counted)
    return page, counter.count


RELAYS: dict[str, dict[str, Any]] = {
    "first": {"first": 2},
    "all": {"first": 100},
    "none": {"first": 0},
    "offset": {"first": 2, "after": encode_cursor(1)},
    "offset past the end": {"first": 2, "after": encode_cursor(4)},
    "last": {"last": 2},
}


class TestCountedPages:
    @pytest.mark.parametrize("name", list(RELAYS))
    async def test_the_same_page_and_total_as_two_statements_give(
        self, sessions: Sessions, tenant_id: str, name: str
    ) -> None:
        # given
        relay = RELAYS[name]
        plain, _ = await _page(sessions, False, relay)

        # when
        counted, statements = await _page(sessions, True, relay)
        with count_statements() as counter:
            total = await counted.count()

        # then: rows (every attribute, no total among them), flags and total are the same
        assert [vars(row) for row in counted.rows] == [vars(row) for row in plain.rows]
        assert (counted.has_next, counted.has_previous) == (plain.has_next, plain.has_previous)
        assert total == await plain.count() == 5
        # one statement, and a second for the total only where it fetched no row to carry
        # it (the row past the page, fetched to tell whether more follow, carries it too)
        assert statements == 1
        assert counter.count == (1 if name == "offset past the end" else 0)

    async def test_a_keyset_page_past_the_last_row_counts_the_total_apart(
        self, sessions: Sessions, tenant_id: str
    ) -> None:
        # given: a cursor at the last row
        everything, _ = await _page(sessions, False, {"first": 100})
        after = everything.cursor(everything.rows[-1])

        # when
        counted, statements = await _page(sessions, True, {"first": 2, "after": after})

        # then
        assert counted.rows == [] and statements == 1
        assert await counted.count() == 5


FRAGMENT = " fragment Total on UserConnection { totalCount }"


def _query(selection: str) -> str:
    variables = "$tenant: ID!, $skip: Boolean = false" if "$skip" in selection else "$tenant: ID!"
    query = f"query({variables}) {{ users(tenantId: $tenant) {{ {selection} }} }}"
    return query + FRAGMENT if "...Total" in selection else query


SELECTIONS = {
    # name → (selection, statements, whether the total is read)
    "totalCount": ("totalCount nodes { id }", 1, True),
    "no totalCount": ("nodes { id }", 1, False),
    "fragment": ("...Total nodes { id }", 1, True),
    "inline fragment": ("... on UserConnection { totalCount } nodes { id }", 1, True),
    "skipped": ("totalCount @skip(if: true) nodes { id }", 1, False),
    "not included by a variable": ("totalCount @include(if: $skip) nodes { id }", 1, False),
    "kept by a variable": ("totalCount @skip(if: $skip) nodes { id }", 1, True),
}


class TestExecutedRootLists:
    @pytest.mark.parametrize("name", list(SELECTIONS))
    async def test_the_total_is_counted_by_the_page_when_selected(
        self,
        app: FastAPI,
        tenant_id: str,
        http: httpx.AsyncClient,
        tokens: Tokens,
        name: str,
    ) -> None:
        # given: a selection executed field by field (the planner off)
        selection, statements, total = SELECTIONS[name]
        payload = {"query": _query(selection), "variables": {"tenant": tenant_id}}

        # when
        with settings_changed(app, planned_execution=False):
            response = await http.post(
                "/graphql", json=payload, headers=bearer(tokens.super_admin())
            )

        # then
        assert response.status_code == 200, response.text
        assert "errors" not in response.json(), response.text
        users = response.json()["data"]["users"]
        assert len(users["nodes"]) == 5
        assert users.get("totalCount") == (5 if total else None)
        assert response.headers["x-sql-statements"] == str(statements)
