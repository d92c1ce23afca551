"""Partner limits hold when creates race."""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.factories import create_partner
from tests.tokens import Tokens, bearer


class TestConcurrentTenantCreates:
    async def test_only_one_of_two_racing_creates_takes_the_last_seat(
        self,
        db: None,
        sessions: async_sessionmaker[AsyncSession],
        http: httpx.AsyncClient,
        tokens: Tokens,
    ) -> None:
        # given a partner with room for exactly one more tenant
        partner = await create_partner(sessions, max_tenants=1)
        headers = bearer(tokens.super_admin())

        # when two creates run at once
        responses = await asyncio.gather(
            *(
                http.post(
                    "/api/v1/admin/tenants",
                    json={"partner_id": partner.id, "name": f"Race {n}", "slug": f"race-{n}"},
                    headers=headers,
                )
                for n in range(2)
            )
        )

        # then exactly one wins and the other is told which limit it hit
        statuses = sorted(response.status_code for response in responses)
        assert statuses == [201, 409], [r.text for r in responses]
        refused = next(r for r in responses if r.status_code == 409)
        assert refused.json()["code"] == "LIMIT_EXCEEDED"
        listed = await http.get(f"/api/v1/admin/tenants?partner_id={partner.id}", headers=headers)
        assert listed.json()["pagination"]["total"] == 1
