"""Configuration from the environment (`SCAIGATE_` prefix) or a `.env` file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.limits import DEFAULT_OPERATION_LIMITS as _LIMITS
from core.limits import OperationLimits
from core.token_lifetimes import APPLICATION_TOKEN_LIFETIME_MAX

# `limits` storages the sign-in throttle accepts (resolvers.throttle).
RATE_LIMIT_SCHEMES = ("memory", "redis", "rediss", "redis+unix", "redis+sentinel", "redis+cluster")
DEVELOPMENT_SIGNING_KEY = "scaigate-development-signing-key-change-me-0123456789"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SCAIGATE_", env_file=".env", extra="ignore")

    env: Literal["development", "production"] = "development"
    database_url: str = "sqlite+aiosqlite:///./var/scaigate.db"
    jwt_signing_key: str = Field(default=DEVELOPMENT_SIGNING_KEY, min_length=32)
    # Seals stored secrets that must be read back (identity providers' client secrets);
    # unset, a key is derived from the signing key (rotating that one then loses them).
    secrets_key: str | None = Field(default=None, min_length=32)
    jwt_algorithm: Literal["HS256", "HS384", "HS512"] = "HS256"
    jwt_issuer: str = "scaigate"
    jwt_audience: str = "scaigate-admin"
    token_ttl_seconds: int = Field(default=3600, ge=60, le=7 * 24 * 3600)
    # The longest lifetime (`exp` - `iat`) of a token the verifier accepts; unset, the
    # longest the gateway issues itself (see `max_token_lifetime_seconds`).
    jwt_max_lifetime_seconds: int | None = Field(default=None, ge=60)
    # Platform tokens: how long a process trusts what it read of an application (enabled,
    # deleted, allowed scopes) when no change notice reaches it (resolvers.platform_clients).
    client_state_ttl_seconds: float = Field(default=30.0, ge=0, le=3600)
    db_pool_size: int = Field(default=10, ge=1, le=200)
    # Database outages (docs/outages.md): how long a request waits for a pooled connection
    # and for a new one before it is answered 503, and whether each checkout pings first.
    db_pool_timeout_seconds: float = Field(default=5.0, gt=0, le=300)
    db_connect_timeout_seconds: float = Field(default=3.0, gt=0, le=300)
    db_pool_pre_ping: bool = False
    enable_openapi: bool | None = None
    # Production mode and operations.
    enable_explorer: bool | None = None
    enable_metrics: bool = True
    log_format: Literal["json", "console"] | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    access_log: bool = True
    shutdown_grace_seconds: int = Field(default=30, ge=0, le=3600)
    # Audit events the database cannot take wait here until it can, one file per process.
    audit_spool_dir: Path = Path("var/audit-spool")
    # Operation limits (docs/graphql.md "Operation limits").
    limit_max_depth: int = Field(default=_LIMITS.max_depth, ge=1)
    limit_max_aliases: int = Field(default=_LIMITS.max_aliases, ge=0)
    limit_max_root_fields: int = Field(default=_LIMITS.max_root_fields, ge=1)
    limit_max_tokens: int = Field(default=_LIMITS.max_tokens, ge=100)
    limit_cost_super_admin: int = Field(default=_LIMITS.cost_super_admin, ge=1)
    limit_cost_partner_admin: int = Field(default=_LIMITS.cost_partner_admin, ge=1)
    limit_cost_tenant_admin: int = Field(default=_LIMITS.cost_tenant_admin, ge=1)
    limit_cost_platform: int = Field(default=_LIMITS.cost_platform, ge=1)
    limit_max_body_bytes: int = Field(default=100 * 1024, ge=1024)
    limit_max_batch: int = Field(default=0, ge=0, le=100)  # 0: batched requests are refused
    # Planned execution (docs/planner.md): off, every operation runs field by field.
    planned_execution: bool = True
    # Persisted operations (docs/graphql.md "Persisted operations").
    persisted_operations: Literal["apq", "allowlist", "off"] = "apq"
    # Sign-in throttling (docs/authentication.md): `memory://` for one process, `redis://…`
    # for counters shared by every gateway process.
    rate_limit_storage: str = "memory://"
    rate_limit_key_prefix: str = Field(default="scaigate", min_length=1)
    sign_in_max_failures_per_account: int = Field(default=5, ge=1)
    sign_in_max_failures_per_address: int = Field(default=20, ge=1)
    sign_in_failure_window_seconds: int = Field(default=900, ge=1, le=24 * 3600)
    # ScaiWave's model catalog (docs/scaiwave.md): unset URL, the built-in one.
    scaigrid_url: str | None = None
    scaigrid_api_key: SecretStr | None = None  # the gateway's own bearer token for ScaiGrid
    scaigrid_connect_timeout_seconds: float = Field(default=2.0, gt=0, le=60)
    scaigrid_read_timeout_seconds: float = Field(default=5.0, gt=0, le=300)
    scaigrid_catalog_ttl_seconds: float = Field(default=60.0, ge=0, le=3600)

    @model_validator(mode="after")
    def _refuse_development_key_in_production(self) -> Settings:
        if self.env == "production" and self.jwt_signing_key == DEVELOPMENT_SIGNING_KEY:
            raise ValueError("SCAIGATE_JWT_SIGNING_KEY must be set in production")
        return self

    @model_validator(mode="after")
    def _accept_the_gateways_own_tokens(self) -> Settings:
        maximum = self.jwt_max_lifetime_seconds
        if maximum is not None and maximum < self.token_ttl_seconds:
            raise ValueError(
                "SCAIGATE_JWT_MAX_LIFETIME_SECONDS must be at least SCAIGATE_TOKEN_TTL_SECONDS "
                f"({self.token_ttl_seconds}): the gateway would refuse its own tokens"
            )
        return self

    @property
    def max_token_lifetime_seconds(self) -> int:
        """The longest token lifetime accepted: configured, or the longest the gateway issues
        (sign-in and CLI tokens, applications' client credentials tokens)."""
        if self.jwt_max_lifetime_seconds is not None:
            return self.jwt_max_lifetime_seconds
        return max(self.token_ttl_seconds, APPLICATION_TOKEN_LIFETIME_MAX)

    @property
    def sealing_key(self) -> str:
        return self.secrets_key or self.jwt_signing_key

    @field_validator("rate_limit_storage")
    @classmethod
    def _known_rate_limit_storage(cls, value: str) -> str:
        scheme = value.partition("://")[0].lower().removeprefix("async+")
        if "://" not in value or scheme not in RATE_LIMIT_SCHEMES:
            raise ValueError("must be memory:// or a redis://host:port/db URL")
        return value

    @property
    def openapi_enabled(self) -> bool:
        if self.enable_openapi is not None:
            return self.enable_openapi
        return self.env != "production"

    @property
    def explorer_enabled(self) -> bool:
        """Whether `GET /graphql` serves the GraphiQL explorer."""
        if self.enable_explorer is not None:
            return self.enable_explorer
        return self.env != "production"

    @property
    def operation_limits(self) -> OperationLimits:
        return OperationLimits(
            max_depth=self.limit_max_depth,
            max_aliases=self.limit_max_aliases,
            max_root_fields=self.limit_max_root_fields,
            max_tokens=self.limit_max_tokens,
            cost_super_admin=self.limit_cost_super_admin,
            cost_partner_admin=self.limit_cost_partner_admin,
            cost_tenant_admin=self.limit_cost_tenant_admin,
            cost_platform=self.limit_cost_platform,
        )

    @property
    def log_json(self) -> bool:
        """JSON log lines: always in production unless `SCAIGATE_LOG_FORMAT=console`."""
        if self.log_format is not None:
            return self.log_format == "json"
        return self.env == "production"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
