"""Fixtures of the ScaiWave settings tests: a tenant with neighbours, a ScaiGrid stand-in."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import Partner, Tenant
from resolvers import scaigrid as scaigrid_client
from tests.app_settings import settings_changed
from tests.collaboration.scaigrid_server import FakeScaiGrid, running_scaigrid
from tests.factories import create_partner, create_tenant
from tests.tokens import Tokens, bearer

READ_TIMEOUT_SECONDS = 0.3


@dataclass(frozen=True)
class Tenancy:
    partner: Partner
    tenant: Tenant  # the tenant the tests act on
    sibling: Tenant  # same partner
    foreign: Tenant  # another partner's

    def super_admin(self, tokens: Tokens, tenant: Tenant | None = None) -> dict[str, str]:
        """A super admin's headers, acting on `tenant` (the tested one by default)."""
        return {**bearer(tokens.super_admin()), "X-Scai-Tenant": (tenant or self.tenant).id}

    def tenant_admin(self, tokens: Tokens) -> dict[str, str]:
        return bearer(tokens.tenant_admin(self.tenant.id))


@pytest.fixture
async def tenancy(db: None, sessions: async_sessionmaker[AsyncSession]) -> Tenancy:
    partner = await create_partner(sessions)
    return Tenancy(
        partner=partner,
        tenant=await create_tenant(sessions, partner=partner),
        sibling=await create_tenant(sessions, partner=partner),
        foreign=await create_tenant(sessions, partner=await create_partner(sessions)),
    )


@pytest.fixture
def scaigrid(app: FastAPI) -> Iterator[FakeScaiGrid]:
    """A running ScaiGrid stand-in that the app's catalog uses (with a short read timeout)."""
    scaigrid_client.clear_cache()
    with (
        running_scaigrid() as server,
        settings_changed(
            app, scaigrid_url=server.url, scaigrid_read_timeout_seconds=READ_TIMEOUT_SECONDS
        ),
    ):
        yield server
    scaigrid_client.clear_cache()
