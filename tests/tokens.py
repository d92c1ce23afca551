"""Bearer tokens for every kind of principal, signed as the gateway under test verifies."""

from __future__ import annotations

from dataclasses import dataclass

from core.principals import Role
from core.settings import Settings
from gateway.tokens import issue_token


@dataclass(frozen=True)
class Tokens:
    settings: Settings

    def super_admin(self) -> str:
        return issue_token(self.settings, role=Role.SUPER_ADMIN, subject="usr_super")

    def partner_admin(self, partner_id: str) -> str:
        return issue_token(
            self.settings, role=Role.PARTNER_ADMIN, subject="usr_partner", partner_id=partner_id
        )

    def tenant_admin(self, tenant_id: str) -> str:
        return issue_token(
            self.settings, role=Role.TENANT_ADMIN, subject="usr_tenant", tenant_id=tenant_id
        )

    def platform(self, *scopes: str) -> str:
        return issue_token(
            self.settings, role=Role.PLATFORM, subject="app_platform", scopes=list(scopes)
        )

    def expired(self) -> str:
        return issue_token(
            self.settings, role=Role.SUPER_ADMIN, subject="usr_super", ttl_seconds=-3600
        )

    def badly_signed(self) -> str:
        forged = Settings(jwt_signing_key="another-key-that-is-long-enough-to-sign-tokens-x")
        return issue_token(forged, role=Role.SUPER_ADMIN, subject="usr_super")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
