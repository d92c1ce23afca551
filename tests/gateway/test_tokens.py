"""Verifying bearer tokens: what is accepted, and a distinct reason for each rejection."""

from __future__ import annotations

import time

import jwt
import pytest
from pydantic import ValidationError

from core.principals import Role
from core.settings import Settings
from core.token_lifetimes import APPLICATION_TOKEN_LIFETIME_MAX
from gateway.tokens import InvalidToken, issue_token, verify_token

SIGNING_KEY = "token-test-signing-key-0123456789-abcdefghij"


@pytest.fixture(scope="module")
def token_settings() -> Settings:
    return Settings(jwt_signing_key=SIGNING_KEY, _env_file=None)  # type: ignore[call-arg]


def rejection(settings: Settings, token: str) -> str:
    with pytest.raises(InvalidToken) as raised:
        verify_token(settings, token)
    return str(raised.value)


class TestVerifyToken:
    def test_accepts_a_token_it_issued(self, token_settings: Settings) -> None:
        # given
        token = issue_token(
            token_settings, role=Role.TENANT_ADMIN, subject="usr_a", tenant_id="tnt_a"
        )

        # when
        principal = verify_token(token_settings, token)

        # then
        assert (principal.role, principal.subject, principal.tenant_id) == (
            Role.TENANT_ADMIN,
            "usr_a",
            "tnt_a",
        )
        assert principal.partner_id is None

    def test_rejects_an_expired_token(self, token_settings: Settings) -> None:
        token = issue_token(token_settings, role=Role.SUPER_ADMIN, subject="usr_a", ttl_seconds=-60)

        assert rejection(token_settings, token) == "Token has expired"

    def test_rejects_a_token_for_another_audience(self, token_settings: Settings) -> None:
        elsewhere = token_settings.model_copy(update={"jwt_audience": "another-service"})
        token = issue_token(elsewhere, role=Role.SUPER_ADMIN, subject="usr_a")

        assert rejection(token_settings, token) == "Token audience is not accepted"

    def test_rejects_a_token_signed_with_another_key(self, token_settings: Settings) -> None:
        forger = token_settings.model_copy(
            update={"jwt_signing_key": "a-different-signing-key-0123456789-abcdefgh"}
        )
        token = issue_token(forger, role=Role.SUPER_ADMIN, subject="usr_a")

        assert rejection(token_settings, token) == "Token signature is invalid"

    @pytest.mark.parametrize("token", ["not-a-jwt", "a.b.c", ""])
    def test_rejects_a_malformed_token(self, token_settings: Settings, token: str) -> None:
        assert rejection(token_settings, token).startswith("Token is malformed")

    def test_rejects_a_signed_token_without_a_role(self, token_settings: Settings) -> None:
        now = int(time.time())
        token = jwt.encode(
            {"sub": "usr_a", "aud": token_settings.jwt_audience, "iss": "scaigate",
             "iat": now, "exp": now + 600},
            SIGNING_KEY,
            algorithm="HS256",
        )  # fmt: skip

        assert rejection(token_settings, token) == "Token carries no admin role"

    def test_rejects_a_lifetime_beyond_the_longest_the_gateway_issues(
        self, token_settings: Settings
    ) -> None:
        # given: the default maximum is the longest lifetime the gateway itself issues
        longest = token_settings.max_token_lifetime_seconds
        assert longest == max(token_settings.token_ttl_seconds, APPLICATION_TOKEN_LIFETIME_MAX)
        at_most = issue_token(
            token_settings, role=Role.SUPER_ADMIN, subject="usr_a", ttl_seconds=longest
        )
        beyond = issue_token(
            token_settings, role=Role.SUPER_ADMIN, subject="usr_a", ttl_seconds=longest + 1
        )

        # then
        assert verify_token(token_settings, at_most).subject == "usr_a"
        with pytest.raises(InvalidToken) as raised:
            verify_token(token_settings, beyond)
        assert raised.value.reason == "lifetime_too_long"
        assert str(raised.value) == (
            f"Token lifetime exceeds the {longest} seconds this gateway accepts"
        )

    def test_the_maximum_lifetime_is_configurable(self, token_settings: Settings) -> None:
        strict = token_settings.model_copy(update={"jwt_max_lifetime_seconds": 3600})
        token = issue_token(
            token_settings, role=Role.SUPER_ADMIN, subject="usr_a", ttl_seconds=3601
        )

        assert verify_token(token_settings, token).subject == "usr_a"
        assert rejection(strict, token).startswith("Token lifetime exceeds the 3600 seconds")

    def test_a_maximum_below_the_sign_in_lifetime_is_a_configuration_error(self) -> None:
        with pytest.raises(ValidationError, match="SCAIGATE_JWT_MAX_LIFETIME_SECONDS"):
            Settings(
                jwt_signing_key=SIGNING_KEY,
                token_ttl_seconds=7200,
                jwt_max_lifetime_seconds=3600,
                _env_file=None,  # type: ignore[call-arg]
            )

    def test_each_rejection_says_why_in_its_own_words(self, token_settings: Settings) -> None:
        # given one token for each way of being wrong
        expired = issue_token(
            token_settings, role=Role.SUPER_ADMIN, subject="usr_a", ttl_seconds=-60
        )
        wrong_audience = issue_token(
            token_settings.model_copy(update={"jwt_audience": "elsewhere"}),
            role=Role.SUPER_ADMIN,
            subject="usr_a",
        )
        forged = issue_token(
            token_settings.model_copy(update={"jwt_signing_key": "x" * 40}),
            role=Role.SUPER_ADMIN,
            subject="usr_a",
        )

        # when
        messages = {
            rejection(token_settings, token)
            for token in (expired, wrong_audience, forged, "malformed")
        }

        # then
        assert len(messages) == 4


class TestVerifiedTokensAreRemembered:
    """A token is verified once per process and remembered until its `exp`; the cache never
    answers for other settings, nor past the token's expiry."""

    def test_a_token_accepted_before_is_refused_once_it_has_expired(
        self, token_settings: Settings
    ) -> None:
        # given a token accepted while it is valid
        token = issue_token(token_settings, role=Role.SUPER_ADMIN, subject="usr_a", ttl_seconds=2)
        assert verify_token(token_settings, token).subject == "usr_a"

        # when its expiry passes
        expires_at = jwt.decode(token, options={"verify_signature": False})["exp"]
        time.sleep(max(0.0, expires_at - time.time()) + 0.05)

        # then it is refused as an expired token is
        with pytest.raises(InvalidToken) as raised:
            verify_token(token_settings, token)
        assert (str(raised.value), raised.value.reason) == ("Token has expired", "expired")

    def test_a_token_accepted_under_one_key_is_refused_under_another(
        self, token_settings: Settings
    ) -> None:
        # given a token accepted (and remembered) by a gateway with this key
        token = issue_token(token_settings, role=Role.SUPER_ADMIN, subject="usr_a")
        assert verify_token(token_settings, token).subject == "usr_a"

        # when a gateway with another key and another audience sees it
        rotated = token_settings.model_copy(update={"jwt_signing_key": "y" * 40})
        elsewhere = token_settings.model_copy(update={"jwt_audience": "another-service"})

        # then each verifies it for itself
        assert rejection(rotated, token) == "Token signature is invalid"
        assert rejection(elsewhere, token) == "Token audience is not accepted"

    def test_a_remembered_token_gives_the_same_principal(self, token_settings: Settings) -> None:
        token = issue_token(
            token_settings, role=Role.PARTNER_ADMIN, subject="usr_p", partner_id="prt_a"
        )

        first, second = verify_token(token_settings, token), verify_token(token_settings, token)

        assert first == second
        assert (second.role, second.subject, second.partner_id) == (
            Role.PARTNER_ADMIN,
            "usr_p",
            "prt_a",
        )
