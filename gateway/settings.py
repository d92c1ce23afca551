"""Configuration from the environment (`SCAIGATE_` prefix) or a `.env` file."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_SIGNING_KEY = "scaigate-development-signing-key-change-me-0123456789"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SCAIGATE_", env_file=".env", extra="ignore")

    env: Literal["development", "production"] = "development"
    database_url: str = "sqlite+aiosqlite:///./var/scaigate.db"
    jwt_signing_key: str = Field(default=DEVELOPMENT_SIGNING_KEY, min_length=32)
    jwt_algorithm: Literal["HS256", "HS384", "HS512"] = "HS256"
    jwt_issuer: str = "scaigate"
    jwt_audience: str = "scaigate-admin"
    token_ttl_seconds: int = Field(default=3600, ge=60, le=7 * 24 * 3600)
    db_pool_size: int = Field(default=10, ge=1, le=200)
    enable_openapi: bool | None = None

    @model_validator(mode="after")
    def _refuse_development_key_in_production(self) -> Settings:
        if self.env == "production" and self.jwt_signing_key == DEVELOPMENT_SIGNING_KEY:
            raise ValueError("SCAIGATE_JWT_SIGNING_KEY must be set in production")
        return self

    @property
    def openapi_enabled(self) -> bool:
        if self.enable_openapi is not None:
            return self.enable_openapi
        return self.env != "production"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
