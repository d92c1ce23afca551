"""Users of a tenant; passwords are stored as Argon2 hashes only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, JSONDocument, ResourceColumns, UTCDateTime
from db.enums import UserStatus


class User(ResourceColumns, Base):
    __tablename__ = "users"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), nullable=False, index=True)
    email: Mapped[str] = mapped_column(String(320), nullable=False)
    display_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    first_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    last_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default=UserStatus.ACTIVE)
    email_verified: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    mfa_enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    mfa_secret: Mapped[str | None] = mapped_column(String(200), nullable=True)
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    custom_attributes: Mapped[dict[str, Any]] = mapped_column(
        JSONDocument, nullable=False, default=dict
    )
    # super_admin | partner_admin | tenant_admin (db.enums.AdminRole); null: not an admin,
    # cannot sign in. A partner admin's partner is its tenant's partner.
    admin_role: Mapped[str | None] = mapped_column(String(20), nullable=True)
    # Set by every successful sign-in, in the transaction of its audit event; null: never.
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # A provisioning client's own id for the user (SCIM `externalId`): unique per tenant.
    external_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # A provisioning client's SCIM `userName` where it is not an e-mail address (a login
    # name): stored lowercased, unique per tenant. Null: the userName is the e-mail.
    user_name: Mapped[str | None] = mapped_column(String(320), nullable=True)

    __table_args__ = (
        Index(
            "uq_users_tenant_email_live",
            "tenant_id",
            "email",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
        # "Users of one tenant by last sign-in"; the descending one, PostgreSQL only, is in
        # db.models.search_indexes.
        Index("ix_users_tenant_id_last_sign_in_at", "tenant_id", "last_sign_in_at", "id"),
        Index(
            "uq_users_tenant_external_id_live",
            "tenant_id",
            "external_id",
            unique=True,
            sqlite_where=text("deleted_at IS NULL AND external_id IS NOT NULL"),
            postgresql_where=text("deleted_at IS NULL AND external_id IS NOT NULL"),
        ),
        Index(
            "uq_users_tenant_user_name_live",
            "tenant_id",
            "user_name",
            unique=True,
            sqlite_where=text("deleted_at IS NULL AND user_name IS NOT NULL"),
            postgresql_where=text("deleted_at IS NULL AND user_name IS NOT NULL"),
        ),
    )
