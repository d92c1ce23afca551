"""A tenant with a SCIM token, and a client speaking to its SCIM base."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import Tenant
from tests.factories import create_partner, create_tenant
from tests.factories_scim import create_scim_token

SCIM_JSON = "application/scim+json"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


@dataclass
class Scim:
    """Requests to one tenant's SCIM base with one bearer secret."""

    http: httpx.AsyncClient
    tenant: Tenant
    secret: str

    @property
    def base(self) -> str:
        return f"/scim/v2/{self.tenant.id}"

    def headers(self, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secret}", "Content-Type": SCIM_JSON, **extra}

    async def request(
        self, method: str, path: str, body: Any = None, **headers: str
    ) -> httpx.Response:
        return await self.http.request(
            method,
            f"{self.base}{path}",
            json=body,
            headers=self.headers(**{k.replace("_", "-"): v for k, v in headers.items()}),
        )

    async def create_user(self, user_name: str, **fields: Any) -> dict[str, Any]:
        body = {"schemas": [USER_SCHEMA], "userName": user_name, **fields}
        response = await self.request("POST", "/Users", body)
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created


@pytest.fixture
async def scim(
    db: None, http: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> Scim:
    partner = await create_partner(sessions, max_users_per_tenant=10_000)
    tenant = await create_tenant(sessions, partner=partner)
    _token, secret = await create_scim_token(sessions, tenant=tenant)
    return Scim(http, tenant, secret)
