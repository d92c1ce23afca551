"""Tokens that cannot be accepted get 401 on both surfaces, saying why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest

from core.settings import Settings
from tests.tokens import Tokens


def _signed(settings: Settings, **overrides: object) -> str:
    now = datetime.now(UTC)
    claims: dict[str, object] = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": "usr_x",
        "iat": now,
        "exp": now + timedelta(minutes=5),
        "role": "super_admin",
    }
    claims.update(overrides)
    claims = {key: value for key, value in claims.items() if value is not None}
    return jwt.encode(claims, settings.jwt_signing_key, algorithm=settings.jwt_algorithm)


CASES = {
    "expired": (lambda s, t: t.expired(), "Token has expired"),
    "badly signed": (lambda s, t: t.badly_signed(), "Token signature is invalid"),
    "wrong audience": (
        lambda s, t: _signed(s, aud="someone-else"),
        "Token audience is not accepted",
    ),
    "not a JWT": (lambda s, t: "not.a.jwt", "Token is malformed"),
    "no admin role": (lambda s, t: _signed(s, role="viewer"), "Token carries no admin role"),
    "partner admin without partner": (
        lambda s, t: _signed(s, role="partner_admin"),
        "Token is malformed: partner_admin without partner_id",
    ),
    "no expiry": (lambda s, t: _signed(s, exp=None), "Token is malformed"),
    "lives longer than accepted": (
        lambda s, t: _signed(s, exp=datetime.now(UTC) + timedelta(days=3650)),
        "Token lifetime exceeds the 86400 seconds this gateway accepts",
    ),
    "issued long ago, expiring far ahead": (
        lambda s, t: _signed(
            s,
            iat=datetime.now(UTC) - timedelta(days=2),
            exp=datetime.now(UTC) + timedelta(minutes=5),
        ),
        "Token lifetime exceeds",
    ),
    "unsigned (alg none)": (
        lambda s, t: jwt.encode({"sub": "x", "role": "super_admin"}, key="", algorithm="none"),
        "Token is malformed",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
class TestRefusedTokens:
    async def test_graphql_answers_401_with_the_reason(
        self, case: str, http: httpx.AsyncClient, settings: Settings, tokens: Tokens
    ) -> None:
        make, reason = CASES[case]
        response = await http.post(
            "/graphql",
            json={"query": "{ viewer { role } }"},
            headers={"Authorization": f"Bearer {make(settings, tokens)}"},
        )

        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        error = response.json()["errors"][0]
        assert error["extensions"]["code"] == "UNAUTHENTICATED"
        assert error["message"].startswith(reason)
        assert "data" not in response.json()

    async def test_rest_answers_401_with_the_reason(
        self, case: str, http: httpx.AsyncClient, settings: Settings, tokens: Tokens
    ) -> None:
        make, reason = CASES[case]
        response = await http.get(
            "/api/v1/admin/tenants",
            headers={"Authorization": f"Bearer {make(settings, tokens)}"},
        )

        assert response.status_code == 401
        assert response.json()["code"] == "UNAUTHENTICATED"
        assert response.json()["detail"].startswith(reason)


class TestAuthorizationHeaderShape:
    async def test_a_non_bearer_scheme_is_refused(self, http: httpx.AsyncClient) -> None:
        response = await http.get(
            "/api/v1/admin/tenants", headers={"Authorization": "Basic dXNlcjpwYXNz"}
        )

        assert response.status_code == 401
        assert response.json()["detail"] == "Authorization header must be 'Bearer <token>'"

    async def test_no_header_is_unauthenticated(self, http: httpx.AsyncClient) -> None:
        response = await http.get("/api/v1/admin/tenants")

        assert response.status_code == 401
        assert response.json() == {"detail": "Not authenticated", "code": "UNAUTHENTICATED"}
