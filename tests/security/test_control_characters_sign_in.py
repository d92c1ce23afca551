"""A control character in a sign-in credential or an OAuth token request is refused by name,
and nothing is written."""

from __future__ import annotations

import base64
from urllib.parse import quote

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.security.control_characters import NUL, refused_by_name, row_counts

SIGN_IN = "/auth/sign-in"
TOKEN = "/oauth/token"


class TestSignIn:
    @pytest.mark.parametrize("field", ["email", "password", "tenant"])
    async def test_a_nul_in_a_credential_is_refused_by_name(
        self,
        field: str,
        db: None,
        sessions: async_sessionmaker[AsyncSession],
        http: httpx.AsyncClient,
    ) -> None:
        body = {"email": "ann@example.com", "password": "a password", "tenant": "t-slug"}
        body[field] = f"x{NUL}y"
        before = await row_counts(sessions)

        response = await http.post(SIGN_IN, json=body)

        refused_by_name(response, field)
        assert await row_counts(sessions) == before


class TestOAuthToken:
    @pytest.mark.parametrize("field", ["client_id", "client_secret", "scope"])
    async def test_a_nul_in_a_form_field_is_an_invalid_request_naming_it(
        self,
        field: str,
        db: None,
        sessions: async_sessionmaker[AsyncSession],
        http: httpx.AsyncClient,
    ) -> None:
        form = {
            "grant_type": "client_credentials",
            "client_id": "app_x",
            "client_secret": "secret",
            "scope": "admin:read",
        }
        form[field] = f"x{NUL}y"
        before = await row_counts(sessions)

        response = await http.post(TOKEN, data=form)

        assert response.status_code == 400, response.text
        assert response.json()["error"] == "invalid_request"
        assert response.json()["error_description"].startswith(
            f"{field}: must not contain control characters"
        )
        assert await row_counts(sessions) == before

    @pytest.mark.parametrize("field", ["client_id", "client_secret"])
    async def test_a_nul_in_basic_credentials_is_an_invalid_request_naming_it(
        self, field: str, db: None, http: httpx.AsyncClient
    ) -> None:
        credentials = {"client_id": "app_x", "client_secret": "secret"}
        credentials[field] = f"x{quote(NUL)}y"  # form-encoded inside Basic (RFC 6749 §2.3.1)
        encoded = base64.b64encode(
            f"{credentials['client_id']}:{credentials['client_secret']}".encode()
        ).decode()

        response = await http.post(
            TOKEN,
            data={"grant_type": "client_credentials"},
            headers={"Authorization": f"Basic {encoded}"},
        )

        assert response.status_code == 400, response.text
        assert response.json()["error_description"].startswith(f"{field}: must not contain")
