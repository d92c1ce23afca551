"""Platform tokens end with their application: disabled, deleted or narrowed, its tokens are
refused on the next request, without a database read per request."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text, update

from db.models import Application
from resolvers import platform_clients
from tests.factories import create_partner, create_tenant
from tests.factories_sessions import Sessions, client_token, create_platform_client, events
from tests.gateway.live_feed import until
from tests.tokens import Tokens, bearer

TENANTS = "/api/v1/admin/tenants"
APPLICATIONS = "/api/v1/admin/applications"


async def change(http: httpx.AsyncClient, tokens: Tokens, app_id: str, body: object) -> None:
    response = await http.patch(
        f"{APPLICATIONS}/{app_id}", json=body, headers=bearer(tokens.super_admin())
    )
    assert response.status_code == 200, response.text


async def read_tenants(http: httpx.AsyncClient, token: str) -> httpx.Response:
    return await http.get(TENANTS, headers=bearer(token))


class TestTokensFollowTheirApplication:
    async def test_a_disabled_application_s_token_is_refused_on_the_next_request(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        # given a token its application's process has already accepted
        client = await create_platform_client(sessions, scopes=["admin:read"])
        token = await client_token(http, client.client_id)
        assert (await read_tenants(http, token)).status_code == 200

        # when the application is disabled
        await change(http, tokens, client.id, {"enabled": False})

        # then its token is refused, and the refusal is audited
        refused = await read_tenants(http, token)
        assert refused.status_code == 401
        assert refused.json() == {
            "detail": "Token's application is disabled",
            "code": "UNAUTHENTICATED",
        }
        [event] = await events(sessions, "auth.token_rejected")
        assert (event.result, event.resource_type, event.resource_id) == (
            "failure",
            "application",
            client.id,
        )
        assert event.event_metadata["reason"] == "client_disabled"

        # and enabled again, the token is accepted again until it expires
        await change(http, tokens, client.id, {"enabled": True})
        assert (await read_tenants(http, token)).status_code == 200

    async def test_a_deleted_application_s_token_is_refused_over_graphql_too(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        client = await create_platform_client(sessions, scopes=["admin:read"])
        token = await client_token(http, client.client_id)
        assert (await read_tenants(http, token)).status_code == 200

        deleted = await http.delete(
            f"{APPLICATIONS}/{client.id}", headers=bearer(tokens.super_admin())
        )
        response = await http.post(
            "/graphql", json={"query": "{ viewer { role } }"}, headers=bearer(token)
        )

        assert deleted.status_code in (200, 204), deleted.text
        assert response.status_code == 401
        assert response.json()["errors"][0]["message"] == "Token's application has been deleted"

    async def test_a_token_carrying_a_withdrawn_scope_is_refused_and_a_narrower_one_is_not(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        # given two tokens of one application: read-write, and read only
        partner = await create_partner(sessions)
        client = await create_platform_client(sessions, scopes=["admin:read", "admin:write"])
        read_write = await client_token(http, client.client_id)
        read_only = await client_token(http, client.client_id, scope="admin:read")
        assert (await read_tenants(http, read_write)).status_code == 200

        # when admin:write is taken from the application
        await change(http, tokens, client.id, {"allowed_scopes": ["admin:read"]})

        # then the token that carries it can neither write nor read; the other still reads
        write = await http.post(
            TENANTS,
            json={"partner_id": partner.id, "name": "Late", "slug": "late-write"},
            headers=bearer(read_write),
        )
        assert write.status_code == 401
        assert write.json()["detail"] == (
            "Token carries scopes its application no longer allows: admin:write"
        )
        assert (await read_tenants(http, read_write)).status_code == 401
        assert (await read_tenants(http, read_only)).status_code == 200

    async def test_a_minted_platform_token_names_no_application_and_is_not_checked(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        await create_tenant(sessions, partner=await create_partner(sessions))

        response = await read_tenants(http, tokens.platform("admin:read"))

        assert response.status_code == 200


class TestTheCheckCostsNoQueryPerRequest:
    async def test_once_read_an_application_is_not_read_again_until_it_changes(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        # given
        await create_tenant(sessions, partner=await create_partner(sessions))
        client = await create_platform_client(sessions, scopes=["admin:read"])
        token = await client_token(http, client.client_id)
        minted = tokens.platform("admin:read")

        # when
        first, again = await read_tenants(http, token), await read_tenants(http, token)
        unchecked = await read_tenants(http, minted)

        # then the first request read the application once, the next ones did not
        statements = [int(r.headers["x-sql-statements"]) for r in (first, again, unchecked)]
        assert statements[1] == statements[2]
        assert statements[0] == statements[1] + 1


class TestLostNotices:
    async def test_a_lost_listen_connection_empties_the_cache(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, app: FastAPI, db_kind: str
    ) -> None:
        if db_kind != "postgresql":
            pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
        clients: platform_clients.PlatformClients = app.state.platform_clients
        client = await create_platform_client(sessions, scopes=["admin:read"])
        token = await client_token(http, client.client_id)
        await until_listening(clients)
        assert (await read_tenants(http, token)).status_code == 200
        assert client.client_id in clients

        # given a change no notice announces (written behind the gateway's back)
        async with sessions() as session, session.begin():
            await session.execute(
                update(Application).where(Application.id == client.id).values(enabled=False)
            )

        # when the database ends the LISTEN connection
        async with app.state.engine.begin() as connection:
            ended = await connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE application_name = :name"
                ),
                {"name": platform_clients.listener_name()},
            )
            assert ended.scalars().all() == [True]

        # then what was known is forgotten, and the next request reads the change
        await until_forgotten(clients, client.client_id)
        assert (await read_tenants(http, token)).status_code == 401


async def until_listening(clients: platform_clients.PlatformClients) -> None:
    async def listening() -> bool:
        return clients.listening

    await until(listening)


async def until_forgotten(clients: platform_clients.PlatformClients, client_id: str) -> None:
    async def forgotten() -> bool:
        return client_id not in clients

    await until(forgotten)
