"""The model catalog: ScaiGrid's model list, or the built-in table without ScaiGrid.

`SCAIGATE_SCAIGRID_URL` set: the models ScaiGrid lists (`resolvers.scaigrid`, cached for a
short while, 502/503 when ScaiGrid fails). Unset: the `model_catalog` table, which
`seed --demo` fills. Each tenant's view of it (enabled or not) is `resolvers.model_catalog`.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from db.models import ModelCatalogEntry
from resolvers import scaigrid
from resolvers.context import RequestContext
from resolvers.errors import NotFound
from resolvers.scaigrid import CatalogModel


async def models(context: RequestContext) -> Sequence[CatalogModel]:
    settings = context.config
    if settings.scaigrid_url:
        return await scaigrid.list_models(settings)
    async with context.read() as session:
        rows = (
            await session.execute(select(ModelCatalogEntry).order_by(ModelCatalogEntry.slug))
        ).scalars()
        return [
            CatalogModel(
                slug=row.slug,
                name=row.name,
                provider=row.provider,
                context_window=row.context_window,
                capabilities=tuple(row.capabilities),
                description=row.description,
            )
            for row in rows
        ]


async def slugs(context: RequestContext) -> set[str]:
    return {model.slug for model in await models(context)}


async def find(context: RequestContext, slug: str) -> CatalogModel:
    """The catalog's model with this slug; NOT_FOUND (404) when it has none."""
    for model in await models(context):
        if model.slug == slug:
            return model
    raise NotFound.resource("Model", slug)
