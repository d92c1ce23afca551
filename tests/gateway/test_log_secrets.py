"""No log line holds a password, client secret, API key or bearer token, in either format, and
an unexpected error is rendered as a plain traceback (no local variables).

Calls that carry secrets (sign-in, token requests, a REST write with a bearer token) are
made, some of them failing unexpectedly (a stored value no version of the gateway writes,
such as an unknown admin role, breaks the call deep inside), with every log line captured at
DEBUG; then every line is searched for the secret.
"""

from __future__ import annotations

import io
import json
import secrets
from collections.abc import Iterator

import httpx
import pytest

from core.settings import Settings
from gateway.log_redaction import REDACTED, redact_secrets
from gateway.logs import configure_logging
from schema.errors import log_unexpected
from tests.factories import create_partner, create_tenant, create_user
from tests.factories_sessions import (
    CLIENT_SECRET,
    SIGN_IN,
    TOKEN,
    Sessions,
    create_platform_client,
    password_hash,
)
from tests.tokens import Tokens, bearer

FORMATS = ("console", "json")
USERS = "/api/v1/admin/users"
# A stored role no version of the gateway writes: reading it fails deep in a call, unexpectedly.
UNKNOWN_ROLE = "auditor"


@pytest.fixture(params=FORMATS)
def debug_log(request: pytest.FixtureRequest, settings: Settings) -> Iterator[io.StringIO]:
    stream = io.StringIO()
    configure_logging(
        settings.model_copy(update={"log_format": request.param, "log_level": "DEBUG"}),
        stream=stream,
    )
    try:
        yield stream
    finally:
        configure_logging(settings)


def a_secret() -> str:
    return f"s3cret-{secrets.token_hex(12)}"


def unexpected_errors(stream: io.StringIO) -> int:
    return stream.getvalue().count("unexpected_error")


class TestRedaction:
    def test_values_under_secret_keys_are_redacted_at_any_depth(self) -> None:
        event = {
            "event": "calling",
            "password": "hunter2",
            "request": {
                "headers": {"Authorization": "Basic dXNlcjpwYXNz", "Accept": "*/*"},
                "form": [{"client_secret": "cs-1", "client_id": "app_1"}],
            },
            "scaigrid_api_key": "sk-1",
            "access_token": None,
        }

        redacted = redact_secrets(None, "info", event)

        assert redacted == {
            "event": "calling",
            "password": REDACTED,
            "request": {
                "headers": {"Authorization": REDACTED, "Accept": "*/*"},
                "form": [{"client_secret": REDACTED, "client_id": "app_1"}],
            },
            "scaigrid_api_key": REDACTED,
            "access_token": None,
        }

    def test_credentials_in_text_are_redacted(self) -> None:
        jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c3JfMSJ9.c2lnbmF0dXJl"
        event = {
            "event": f"rejected Bearer abc.def-ghi and {jwt}",
            "exception": (
                "ValueError: password='hunter2', client_secret=cs-1&scope=x\n"
                'body {"api_key": "sk-1"} at postgresql://scai:pg-pass@db:5432/scai'
            ),
        }

        redacted = redact_secrets(None, "info", event)

        assert redacted["event"] == f"rejected Bearer {REDACTED} and {REDACTED}"
        assert redacted["exception"] == (
            f"ValueError: password='{REDACTED}', client_secret={REDACTED}&scope=x\n"
            f'body {{"api_key": "{REDACTED}"}} at postgresql://scai:{REDACTED}@db:5432/scai'
        )


class TestUnexpectedErrors:
    def test_are_a_plain_traceback_without_local_variables(self, debug_log: io.StringIO) -> None:
        # given: an error raised where a local variable and the message hold secrets
        password = a_secret()
        token = a_secret()

        def sign_in(password: str) -> None:
            raise ValueError(f"cannot check password={password} for Bearer {token}")

        # when
        try:
            sign_in(password)
        except ValueError as exc:
            log_unexpected(exc, route="/auth/sign-in")

        # then
        text = debug_log.getvalue()
        assert "Traceback (most recent call last)" in text
        assert "in sign_in" in text and "ValueError: cannot check password=" in text
        assert password not in text and token not in text
        assert "─ locals ─" not in text and "│" not in text  # rich's boxes of locals


class TestSecretsNeverReachTheLog:
    async def test_a_sign_in_that_fails_unexpectedly(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, debug_log: io.StringIO
    ) -> None:
        # given
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))
        password = a_secret()
        await create_user(
            sessions,
            tenant=tenant,
            email="ann@example.com",
            admin_role=UNKNOWN_ROLE,
            password_hash=password_hash(password),
        )

        # when
        response = await http.post(
            SIGN_IN,
            content=json.dumps({"email": "ann@example.com", "password": password}),
            headers={"Content-Type": "application/json"},
        )

        # then
        assert response.status_code == 500
        assert unexpected_errors(debug_log) == 1
        assert password not in debug_log.getvalue()

    async def test_token_requests_granted_and_refused(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, debug_log: io.StringIO
    ) -> None:
        client = await create_platform_client(sessions, scopes=["admin:read"])
        wrong_secret = a_secret()

        granted, refused = [
            await http.post(
                TOKEN,
                data={
                    "grant_type": "client_credentials",
                    "client_id": client.client_id,
                    "client_secret": secret,
                },
            )
            for secret in (CLIENT_SECRET, wrong_secret)
        ]

        assert (granted.status_code, refused.status_code) == (200, 401)
        text = debug_log.getvalue()
        assert CLIENT_SECRET not in text and wrong_secret not in text
        assert granted.json()["access_token"].split(".")[2] not in text

    async def test_a_rest_write_that_fails_unexpectedly(
        self,
        db: None,
        sessions: Sessions,
        http: httpx.AsyncClient,
        tokens: Tokens,
        debug_log: io.StringIO,
    ) -> None:
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))
        user = await create_user(sessions, tenant=tenant, admin_role=UNKNOWN_ROLE)
        token = tokens.super_admin()

        response = await http.patch(
            f"{USERS}/{user.id}",
            content=json.dumps({"display_name": "Ann"}),
            headers={**bearer(token), "Content-Type": "application/json"},
        )

        assert response.json()["code"] == "INTERNAL_SERVER_ERROR"
        assert unexpected_errors(debug_log) == 1
        text = debug_log.getvalue()
        assert token not in text and token.split(".")[2] not in text
