"""MCP agents: AI agent identities of a tenant, with the tools and scopes they may use."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, JSONDocument, ResourceColumns


class Agent(ResourceColumns, Base):
    __tablename__ = "agents"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    allowed_tools: Mapped[list[str]] = mapped_column(JSONDocument, nullable=False, default=list)
    allowed_scopes: Mapped[list[str]] = mapped_column(JSONDocument, nullable=False, default=list)
    rate_limit_rpm: Mapped[int | None] = mapped_column(Integer, nullable=True)  # null: no limit
