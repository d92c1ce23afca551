"""`POST /oauth/token`: the client credentials grant for GLOBAL SERVICE applications."""

from __future__ import annotations

from typing import Any

import httpx
import jwt
import pytest
from fastapi import FastAPI

from core.settings import Settings
from db.base import utcnow
from db.enums import ApplicationLevel, ApplicationType
from tests.app_settings import settings_changed
from tests.factories import create_partner, create_tenant
from tests.factories_sessions import (
    CLIENT_SECRET,
    TOKEN,
    Sessions,
    basic,
    client_token,
    create_platform_client,
    events,
)
from tests.tokens import bearer

GRANT = {"grant_type": "client_credentials"}
CREATE_TENANT = """mutation ($input: CreateTenantInput!) { createTenant(input: $input) { id } }"""


def claims(settings: Settings, token: str) -> dict[str, Any]:
    decoded: dict[str, Any] = jwt.decode(
        token,
        settings.jwt_signing_key,
        algorithms=[settings.jwt_algorithm],
        audience=settings.jwt_audience,
    )
    return decoded


async def request_token(
    http: httpx.AsyncClient, form: dict[str, str], headers: dict[str, str] | None = None
) -> httpx.Response:
    return await http.post(TOKEN, data=form, headers=headers or {})


class TestIssuing:
    async def test_http_basic_gets_a_bearer_token_with_the_allowed_scopes(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, settings: Settings
    ) -> None:
        # given
        client = await create_platform_client(
            sessions, scopes=["admin:read", "admin:write"], token_lifetime=900
        )

        # when
        response = await request_token(http, GRANT, basic(client.client_id))

        # then
        assert response.status_code == 200, response.text
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["pragma"] == "no-cache"
        body = response.json()
        assert set(body) == {"access_token", "token_type", "expires_in", "scope"}
        assert (body["token_type"], body["expires_in"], body["scope"]) == (
            "Bearer",
            900,
            "admin:read admin:write",
        )
        token = claims(settings, body["access_token"])
        assert (token["sub"], token["grant_type"], token["scope"]) == (
            client.id,
            "client_credentials",
            "admin:read admin:write",
        )
        assert token["exp"] - token["iat"] == 900
        assert "sid" not in token

    async def test_the_lifetime_is_at_most_the_longest_the_gateway_accepts(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, app: FastAPI
    ) -> None:
        # given an application whose tokens would live a day, on a gateway accepting an hour
        client = await create_platform_client(sessions, scopes=["admin:read"], token_lifetime=86400)
        with settings_changed(app, jwt_max_lifetime_seconds=3600):
            # when
            response = await request_token(http, GRANT, basic(client.client_id))
            token = response.json()["access_token"]
            accepted = await http.get("/api/v1/admin/tenants", headers=bearer(token))

        # then it gets an hour-long token, which the gateway accepts
        assert response.json()["expires_in"] == 3600
        token_claims = claims(app.state.settings, token)
        assert token_claims["exp"] - token_claims["iat"] == 3600
        assert token_claims["client_id"] == client.client_id
        assert accepted.status_code == 200

    async def test_credentials_in_the_body_work_too(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient
    ) -> None:
        client = await create_platform_client(sessions, scopes=["admin:read"])

        response = await request_token(
            http, {**GRANT, "client_id": client.client_id, "client_secret": CLIENT_SECRET}
        )

        assert response.status_code == 200
        assert response.json()["scope"] == "admin:read"

    async def test_a_scope_parameter_narrows_the_allowed_scopes(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, settings: Settings
    ) -> None:
        client = await create_platform_client(sessions, scopes=["admin:read", "admin:write"])

        response = await request_token(
            http, {**GRANT, "scope": "admin:read"}, basic(client.client_id)
        )

        assert response.json()["scope"] == "admin:read"
        assert claims(settings, response.json()["access_token"])["scope"] == "admin:read"

    async def test_success_is_an_audit_event_of_the_application(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient
    ) -> None:
        client = await create_platform_client(sessions, scopes=["admin:read"])

        await request_token(http, GRANT, basic(client.client_id))

        [event] = await events(sessions, "auth.token_issued")
        assert (event.result, event.actor_type, event.actor_id) == ("success", "service", client.id)
        assert (event.resource_type, event.resource_id) == ("application", client.id)
        assert event.event_metadata == {
            "client_id": client.client_id,
            "scope": "admin:read",
            "expires_in": 3600,
        }
        assert CLIENT_SECRET not in str(event.event_metadata)


class TestClientAuthenticationFails:
    async def test_a_wrong_secret_over_basic_is_401_invalid_client_with_a_challenge(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient
    ) -> None:
        client = await create_platform_client(sessions, scopes=["admin:read"])

        response = await request_token(http, GRANT, basic(client.client_id, "not-the-secret"))

        assert response.status_code == 401
        assert response.json()["error"] == "invalid_client"
        assert response.headers["www-authenticate"].startswith("Basic")
        [event] = await events(sessions, "auth.token_issued")
        assert (event.result, event.actor_id, event.resource_id) == ("failure", None, client.id)
        assert event.event_metadata["reason"] == "wrong_secret"
        assert "not-the-secret" not in str(event.event_metadata)

    async def test_a_wrong_secret_in_the_body_is_401_invalid_client(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient
    ) -> None:
        client = await create_platform_client(sessions, scopes=["admin:read"])

        response = await request_token(
            http, {**GRANT, "client_id": client.client_id, "client_secret": "nope"}
        )

        assert response.status_code == 401
        assert response.json()["error"] == "invalid_client"

    @pytest.mark.parametrize(
        ("fields", "reason"),
        [
            ({"enabled": False}, "disabled"),
            ({"deleted_at": "now"}, "unknown_client"),
            ({"client_secret_hash": None}, "wrong_secret"),
        ],
    )
    async def test_a_disabled_deleted_or_secretless_application_is_invalid_client(
        self,
        db: None,
        sessions: Sessions,
        http: httpx.AsyncClient,
        fields: dict[str, Any],
        reason: str,
    ) -> None:
        if fields.get("deleted_at") == "now":
            fields = {"deleted_at": utcnow()}
        client = await create_platform_client(sessions, scopes=["admin:read"], **fields)

        response = await request_token(http, GRANT, basic(client.client_id))

        assert response.status_code == 401
        assert response.json()["error"] == "invalid_client"
        [event] = await events(sessions, "auth.token_issued")
        assert event.event_metadata["reason"] == reason

    async def test_an_unknown_client_is_invalid_client(
        self, db: None, http: httpx.AsyncClient
    ) -> None:
        response = await request_token(http, GRANT, basic("scg_nobody"))

        assert response.status_code == 401
        assert response.json()["error"] == "invalid_client"

    async def test_no_client_authentication_at_all_is_invalid_client(
        self, db: None, http: httpx.AsyncClient
    ) -> None:
        response = await request_token(http, {**GRANT, "client_id": "scg_x"})

        assert response.status_code == 401
        assert response.json()["error"] == "invalid_client"
        assert response.headers["www-authenticate"].startswith("Basic")


class TestClientNotAllowedTheGrant:
    @pytest.mark.parametrize(
        ("level", "app_type"),
        [
            (ApplicationLevel.TENANT, ApplicationType.SERVICE),
            (ApplicationLevel.GLOBAL, ApplicationType.WEB),
        ],
    )
    async def test_only_global_service_applications_get_tokens(
        self,
        db: None,
        sessions: Sessions,
        http: httpx.AsyncClient,
        level: ApplicationLevel,
        app_type: ApplicationType,
    ) -> None:
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))
        client = await create_platform_client(
            sessions,
            scopes=["admin:read"],
            level=level,
            app_type=app_type,
            tenant=tenant if level is ApplicationLevel.TENANT else None,
        )

        response = await request_token(http, GRANT, basic(client.client_id))

        assert response.status_code == 400
        assert response.json()["error"] == "unauthorized_client"
        [event] = await events(sessions, "auth.token_issued")
        assert event.event_metadata["reason"] == "not_global_service"


class TestMalformedRequests:
    async def test_a_scope_beyond_the_allowed_ones_is_invalid_scope(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient
    ) -> None:
        client = await create_platform_client(sessions, scopes=["admin:read"])

        response = await request_token(
            http, {**GRANT, "scope": "admin:read admin:write"}, basic(client.client_id)
        )

        assert response.status_code == 400
        assert response.json() == {
            "error": "invalid_scope",
            "error_description": "Scope not allowed for this client: admin:write",
        }

    async def test_another_grant_type_is_unsupported_grant_type(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient
    ) -> None:
        client = await create_platform_client(sessions, scopes=["admin:read"])

        response = await request_token(
            http, {"grant_type": "password", "username": "a"}, basic(client.client_id)
        )

        assert response.status_code == 400
        assert response.json()["error"] == "unsupported_grant_type"
        [event] = await events(sessions, "auth.token_issued")
        assert (event.result, event.event_metadata["reason"]) == (
            "failure",
            "unsupported_grant_type",
        )

    @pytest.mark.parametrize(
        ("send", "description"),
        [
            ({"data": {"scope": "admin:read"}}, "Missing grant_type"),
            ({"json": GRANT}, "The request body must be application/x-www-form-urlencoded"),
            ({"content": b"grant_type=client_credentials&grant_type=x"}, "repeated"),
        ],
    )
    async def test_a_malformed_request_is_invalid_request(
        self, db: None, http: httpx.AsyncClient, send: dict[str, Any], description: str
    ) -> None:
        headers = {"content-type": "application/x-www-form-urlencoded"} if "content" in send else {}

        response = await http.post(TOKEN, headers=headers, **send)

        assert response.status_code == 400
        assert response.json()["error"] == "invalid_request"
        assert description in response.json()["error_description"]

    async def test_basic_and_a_secret_in_the_body_together_are_invalid_request(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient
    ) -> None:
        client = await create_platform_client(sessions, scopes=["admin:read"])

        response = await request_token(
            http, {**GRANT, "client_secret": CLIENT_SECRET}, basic(client.client_id)
        )

        assert response.status_code == 400
        assert response.json()["error"] == "invalid_request"


class TestPlatformTokensEndToEnd:
    async def test_a_read_only_client_reads_data_and_is_refused_writes(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient
    ) -> None:
        # given
        partner = await create_partner(sessions)
        tenant = await create_tenant(sessions, partner=partner)
        client = await create_platform_client(sessions, scopes=["admin:read"])
        headers = bearer(await client_token(http, client.client_id))

        # when
        read = await http.get("/api/v1/admin/tenants", headers=headers)
        write = await http.post(
            "/graphql",
            json={
                "query": CREATE_TENANT,
                "variables": {"input": {"partnerId": partner.id, "name": "N", "slug": "n-1"}},
            },
            headers=headers,
        )
        rest_write = await http.patch(
            f"/api/v1/admin/tenants/{tenant.id}", json={"name": "Renamed"}, headers=headers
        )

        # then
        assert read.status_code == 200
        assert [t["id"] for t in read.json()["data"]] == [tenant.id]
        assert write.json()["errors"][0]["message"] == "Platform token requires admin:write scope"
        assert rest_write.status_code == 403
        assert rest_write.json()["detail"] == "Platform token requires admin:write scope"

    async def test_a_client_with_neither_scope_is_refused_reads(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient
    ) -> None:
        client = await create_platform_client(sessions, scopes=["openid"])
        headers = bearer(await client_token(http, client.client_id))

        response = await http.get("/api/v1/admin/tenants", headers=headers)

        assert response.status_code == 403
        assert response.json()["detail"] == (
            "Platform token requires admin:read or admin:write scope"
        )

    async def test_a_read_write_client_writes(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient
    ) -> None:
        partner = await create_partner(sessions)
        client = await create_platform_client(sessions, scopes=["admin:read", "admin:write"])
        headers = bearer(await client_token(http, client.client_id))

        response = await http.post(
            "/api/v1/admin/tenants",
            json={"partner_id": partner.id, "name": "By a client", "slug": "by-a-client"},
            headers=headers,
        )

        assert response.status_code == 201, response.text
