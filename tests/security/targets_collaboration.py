"""Fresh targets for the ScaiWave settings rows of the matrix, all in (or for) tenant T.

Each set-up makes its own catalog model or plugin (a unique slug or id), so a write of one
call never meets the state another call left behind. Catalog and plugin lists are ordered by
slug or id, and the matrix reads their first page only: the newest target's key sorts first.
"""

from __future__ import annotations

from tests.factories_collaboration import (
    create_catalog_model,
    create_model_participant,
    create_plugin,
)
from tests.security.operations import unique
from tests.security.principals import World
from tests.security.targets import Sessions, Targets


async def tenant_in_context(sessions: Sessions, world: World) -> Targets:
    return {"id": world.tenant.id, "tenant": world.tenant.id}


def _newest_first() -> str:
    return f"{999_999 - unique():06d}"


async def catalog_model(sessions: Sessions, world: World) -> Targets:
    """A model whose slug has slashes, as ScaiGrid's do."""
    model = await create_catalog_model(sessions, slug=f"matrix/lab-{_newest_first()}/model")
    return {"id": model.slug, "tenant": world.tenant.id}


async def plugin(sessions: Sessions, world: World) -> Targets:
    created = await create_plugin(sessions, plugin_id=f"matrix-{_newest_first()}")
    return {"id": created.id, "tenant": world.tenant.id}


async def model_participant(sessions: Sessions, world: World) -> Targets:
    participant = await create_model_participant(
        sessions, tenant=world.tenant, local_id=f"matrix-{unique()}"
    )
    return {"id": participant.id, "tenant": world.tenant.id}
