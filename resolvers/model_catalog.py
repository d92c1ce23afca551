"""The model catalog and each tenant's view of it: which models it has enabled.

The catalog itself comes from `resolvers.catalog` (ScaiGrid, or the built-in table). A
tenant's enabled models are the `enabled_models` of its AI configuration
(`resolvers.ai_config`): enabling a model here and listing it in `PUT /ai-config` change
the same list.

Disabling the tenant's default model is refused (409): the default must first be changed
or cleared with `PUT /ai-config`, so that the configuration never names a disabled model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from db.base import utcnow
from db.models import ModelParticipant
from db.models.participants import ParticipantOrigin
from resolvers import ai_config, audit, catalog, tenant_context
from resolvers.context import RequestContext
from resolvers.errors import Conflict
from resolvers.pagination import Slice, Window
from resolvers.rows import lean
from resolvers.scaigrid import CatalogModel

RESOURCE_TYPE = "model"


@dataclass(frozen=True, slots=True)
class TenantModel:
    """A catalog model as one tenant sees it."""

    slug: str
    name: str
    provider: str
    context_window: int | None
    capabilities: list[str]
    description: str | None
    enabled: bool
    is_default: bool
    participant: Any | None  # the model's catalog participant, if configured


async def _catalog_participants(context: RequestContext, tenant_id: str) -> dict[str, Any]:
    table = ModelParticipant.__table__
    async with context.read() as session:
        rows = lean(
            await session.execute(
                select(table).where(
                    table.c.tenant_id == tenant_id,
                    table.c.origin == ParticipantOrigin.CATALOG.value,
                    table.c.deleted_at.is_(None),
                )
            )
        )
    return {row.model_slug: row for row in rows}


def _as_tenant_model(
    model: CatalogModel, config: ai_config.AiConfigState, participant: Any | None
) -> TenantModel:
    return TenantModel(
        slug=model.slug,
        name=model.name,
        provider=model.provider,
        context_window=model.context_window,
        capabilities=list(model.capabilities),
        description=model.description,
        enabled=model.slug in config.enabled_models,
        is_default=model.slug == config.default_model,
        participant=participant,
    )


def in_memory_slice(items: Sequence[Any], window: Window) -> Slice:
    """A window over a list computed whole (the catalog is one upstream answer)."""
    end = window.offset + window.limit

    async def count() -> int:
        return len(items)

    return Slice(
        rows=items[window.offset : end], window=window, has_next=len(items) > end, count=count
    )


async def list_(context: RequestContext, tenant_id: str | None, window: Window) -> Slice:
    tenant = await tenant_context.resolve(context, tenant_id)
    models = await catalog.models(context)
    config = await ai_config.get(context, tenant)
    participants = await _catalog_participants(context, tenant)
    entries = [_as_tenant_model(m, config, participants.get(m.slug)) for m in models]
    return in_memory_slice(entries, window)


async def _set_enabled(
    context: RequestContext, tenant_id: str | None, slug: str, enabled: bool
) -> TenantModel:
    tenant = await tenant_context.resolve(context, tenant_id)
    # Before the transaction: no tenant lock is held while ScaiGrid answers.
    model = await catalog.find(context, slug)
    async with context.transaction() as session:
        await tenant_context.lock(session, context, tenant)
        # Disabling on a tenant with the defaults changes nothing: no row is made for it.
        load = ai_config.stored_or_new if enabled else ai_config.stored
        row = await load(session, tenant)
        changed = row is not None and (slug in row.enabled_models) != enabled
        if row is not None and not enabled and row.default_model == slug:
            raise Conflict(
                f"Model {slug} is the tenant's default model: change default_model first",
                field="slug",
            )
        if row is not None and changed:
            row.enabled_models = (
                [*row.enabled_models, slug]
                if enabled
                else [item for item in row.enabled_models if item != slug]
            )
            row.updated_at = utcnow()
        await audit.record(
            session,
            context,
            "model.enable" if enabled else "model.disable",
            resource_type=RESOURCE_TYPE,
            resource_id=slug,
            tenant_id=tenant,
            metadata={"changed": changed},
        )
        config = ai_config.AiConfigState.of(tenant, row)
    participants = await _catalog_participants(context, tenant)
    return _as_tenant_model(model, config, participants.get(slug))


async def enable(context: RequestContext, tenant_id: str | None, slug: str) -> TenantModel:
    """Idempotent: enabling an enabled model changes nothing (and still records the call)."""
    return await _set_enabled(context, tenant_id, slug, True)


async def disable(context: RequestContext, tenant_id: str | None, slug: str) -> TenantModel:
    return await _set_enabled(context, tenant_id, slug, False)
