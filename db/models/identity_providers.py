"""Identity providers: a tenant's OIDC or SAML federation configuration."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, JSONDocument, ResourceColumns, UTCDateTime


class IdentityProviderProtocol(StrEnum):
    OIDC = "oidc"
    SAML = "saml"


class IdentityProvider(ResourceColumns, Base):
    __tablename__ = "identity_providers"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), nullable=False, index=True)
    protocol: Mapped[str] = mapped_column(String(10), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    # OIDC. The client secret is needed in clear to talk to the provider, so it is sealed
    # (encrypted), not hashed; the API never returns it.
    issuer: Mapped[str | None] = mapped_column(String(500), nullable=True)
    client_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    client_secret_sealed: Mapped[str | None] = mapped_column(Text, nullable=True)
    scopes: Mapped[list[str]] = mapped_column(JSONDocument, nullable=False, default=list)
    discovery_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    # SAML. The fingerprint and expiry are read from the certificate when it is written.
    entity_id: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    sso_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    metadata_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    x509_certificate: Mapped[str | None] = mapped_column(Text, nullable=True)
    certificate_fingerprint: Mapped[str | None] = mapped_column(String(100), nullable=True)
    certificate_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Both: user attribute → provider claim or attribute name.
    attribute_mapping: Mapped[dict[str, Any]] = mapped_column(
        JSONDocument, nullable=False, default=dict
    )
