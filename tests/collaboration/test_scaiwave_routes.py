"""The ScaiWave route table: the tenant header on every route, lists read whole or by `first`."""

from __future__ import annotations

import dataclasses

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.principals import Principal, Role
from resolvers.context import RequestContext
from rest_compat import ai_config, models_catalog, participants, plugins
from rest_compat.runner import _all_items
from rest_compat.table import IN_TENANT, Call, Shape
from tests.collaboration.conftest import Tenancy
from tests.factories import create_user

Sessions = async_sessionmaker[AsyncSession]
OURS = [*ai_config.ROUTES, *models_catalog.ROUTES, *plugins.ROUTES, *participants.ROUTES]


class TestTheRouteTable:
    def test_every_route_takes_the_tenant_from_the_header(self) -> None:
        assert len(OURS) == 11
        for route in OURS:
            assert route.headers == IN_TENANT, route.path
            assert "$tenantId: ID" in route.document, route.path

    def test_every_list_answers_data_without_pagination(self) -> None:
        lists = [
            route.path for route in OURS if route.method == "GET" and route.path != "/ai-config"
        ]

        assert lists == ["/models/catalog", "/plugins", "/participants"]
        for route in OURS:
            if route.path in lists:
                assert route.shape is Shape.DATA


class TestReadingAList:
    async def test_a_route_that_sets_first_gets_that_one_page(
        self, tenancy: Tenancy, sessions: Sessions
    ) -> None:
        # given: three people; a route whose variables fix the page size (as a `limit` would)
        for _ in range(3):
            await create_user(sessions, tenant=tenancy.tenant)
        [listing] = [route for route in participants.ROUTES if route.method == "GET"]
        limited = dataclasses.replace(listing, variables=lambda call: {"first": 2})
        context = RequestContext(
            principal=Principal(role=Role.SUPER_ADMIN, subject="usr_super"), sessions=sessions
        )

        # when
        variables = {**limited.variables(Call({}, {}, None)), "tenantId": tenancy.tenant.id}
        page = await _all_items(limited, variables, context)
        whole = await _all_items(listing, {"tenantId": tenancy.tenant.id}, context)

        # then
        assert len(page) == 2
        assert len(whole) == 3
        assert [item["id"] for item in whole[:2]] == [item["id"] for item in page]
