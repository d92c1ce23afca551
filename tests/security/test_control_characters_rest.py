"""A control character in a REST path id, query parameter or mapped header is refused by
name, on every route of both REST surfaces, and nothing is written."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from rest_compat.router import SCAIKEY_PREFIX, SCAIKEY_ROUTES
from rest_compat.scaiwave_router import SCAIWAVE_PREFIX, SCAIWAVE_ROUTES
from rest_compat.table import Route
from tests.security.control_characters import NUL, refused_by_name, row_counts
from tests.tokens import Tokens, bearer

ROUTES = [(SCAIKEY_PREFIX, route) for route in SCAIKEY_ROUTES] + [
    (SCAIWAVE_PREFIX, route) for route in SCAIWAVE_ROUTES
]
_PARAMETER = re.compile(r"\{(\w+)\}")


def _url(prefix: str, route: Route, values: dict[str, str]) -> str:
    return prefix + _PARAMETER.sub(lambda m: quote(values[m.group(1)], safe=""), route.path)


def _body(route: Route) -> dict[str, Any] | None:
    return {} if route.body_input else None


def _label(prefix: str, route: Route) -> str:
    return f"{route.method} {prefix}{route.path}"


PATH_CASES = [
    (prefix, route, name) for prefix, route in ROUTES for name in _PARAMETER.findall(route.path)
]
FILTER_CASES = [(prefix, route, name) for prefix, route in ROUTES for name in route.filters]
HEADER_CASES = [(prefix, route, name) for prefix, route in ROUTES for name in route.headers]


class TestRestPathIds:
    @pytest.mark.parametrize(
        ("prefix", "route", "name"),
        PATH_CASES,
        ids=[f"{_label(p, r)} {n}" for p, r, n in PATH_CASES],
    )
    async def test_a_nul_in_a_path_id_is_refused_by_name(
        self,
        prefix: str,
        route: Route,
        name: str,
        db: None,
        sessions: async_sessionmaker[AsyncSession],
        http: httpx.AsyncClient,
        tokens: Tokens,
    ) -> None:
        values = {param: "tnt_ok" for param in _PARAMETER.findall(route.path)}
        values[name] = f"id_{NUL}x"
        before = await row_counts(sessions)

        response = await http.request(
            route.method,
            _url(prefix, route, values),
            json=_body(route),
            headers=bearer(tokens.super_admin()),
        )

        refused_by_name(response, name)
        assert await row_counts(sessions) == before


class TestRestQueryParameters:
    @pytest.mark.parametrize(
        ("prefix", "route", "name"),
        FILTER_CASES,
        ids=[f"{_label(p, r)} ?{n}" for p, r, n in FILTER_CASES],
    )
    async def test_a_nul_in_a_query_filter_is_refused_by_name(
        self,
        prefix: str,
        route: Route,
        name: str,
        db: None,
        http: httpx.AsyncClient,
        tokens: Tokens,
    ) -> None:
        values = {param: "tnt_ok" for param in _PARAMETER.findall(route.path)}

        response = await http.request(
            route.method,
            _url(prefix, route, values),
            params={name: f"a{NUL}b"},
            json=_body(route),
            headers=bearer(tokens.super_admin()),
        )

        refused_by_name(response, name)

    async def test_a_control_character_in_page_is_refused(
        self, db: None, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        response = await http.get(
            f"{SCAIKEY_PREFIX}/users",
            params={"page": f"1{NUL}"},
            headers=bearer(tokens.super_admin()),
        )

        refused_by_name(response, "page")


class TestRestHeaders:
    @pytest.mark.parametrize(
        ("prefix", "route", "name"),
        HEADER_CASES,
        ids=[f"{_label(p, r)} {n}" for p, r, n in HEADER_CASES],
    )
    async def test_a_control_character_in_a_mapped_header_is_refused_by_name(
        self,
        prefix: str,
        route: Route,
        name: str,
        db: None,
        sessions: async_sessionmaker[AsyncSession],
        http: httpx.AsyncClient,
        tokens: Tokens,
    ) -> None:
        values = {param: "tnt_ok" for param in _PARAMETER.findall(route.path)}
        before = await row_counts(sessions)

        response = await http.request(
            route.method,
            _url(prefix, route, values),
            json=_body(route),
            headers={**bearer(tokens.super_admin()), name: f"tnt_{NUL}"},
        )

        refused_by_name(response, f"{name} header")
        assert await row_counts(sessions) == before
