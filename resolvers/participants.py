"""A tenant's participants: its people (live users) and its AI model participants.

People are not stored twice: every live user of the tenant is a participant of kind
`person`, whatever its status. Model participants are rows of `model_participants`: one
*catalog* participant per model at most (`configure`, `PUT /models/{slug}/participant`,
which creates it or re-configures it) and any number of *manual* ones (`create`,
`POST /participants/model`). A `local_id` is unique among a tenant's live model
participants (409 otherwise).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, String, Text, cast, func, literal, null, select, union_all

from db.base import utcnow
from db.ids import IdPrefix, new_id
from db.models import ModelParticipant, User
from db.models.participants import ParticipantOrigin, ResponseMode
from db.models.rooms import ParticipantKind
from resolvers import audit, catalog, tenant_context, validation
from resolvers.context import RequestContext
from resolvers.errors import BadInput
from resolvers.pagination import Slice, Window, fetch_slice
from resolvers.uniqueness import LiveUnique

RESOURCE_TYPE = "model_participant"
MAX_SYSTEM_PROMPT = 8000
LOCAL_ID = LiveUnique(
    ModelParticipant,
    "local_id",
    lambda value: f"A participant with local_id '{value}' already exists in this tenant",
    within="tenant_id",
)
_USERS = User.__table__
_MODELS = ModelParticipant.__table__


def _validated(fields: dict[str, Any]) -> dict[str, Any]:
    """The participant body, complete: absent optional fields take their defaults."""
    mode = fields.get("default_response_mode", ResponseMode.CONVERSATIONAL.value)
    return {
        "local_id": validation.slug("local_id", fields.get("local_id")),
        "display_name": validation.required_text(
            "display_name", fields.get("display_name"), max_length=200
        ),
        "system_prompt": validation.text(
            "system_prompt",
            fields.get("system_prompt"),
            max_length=MAX_SYSTEM_PROMPT,
            required=False,
        ),
        "default_response_mode": validation.choice("default_response_mode", mode, ResponseMode),
        "enabled": validation.flag("enabled", fields.get("enabled", True)),
    }


async def configure(
    context: RequestContext, tenant_id: str | None, slug: str, fields: dict[str, Any]
) -> ModelParticipant:
    """Creates the model's catalog participant, or re-configures the one it has."""
    tenant = await tenant_context.resolve(context, tenant_id)
    values = _validated(fields)
    await catalog.find(context, slug)  # 404 for a slug the catalog does not have
    with LOCAL_ID.violations(values["local_id"]):
        async with context.transaction() as session:
            await tenant_context.lock(session, context, tenant)
            row = (
                await session.execute(
                    select(ModelParticipant).where(
                        ModelParticipant.tenant_id == tenant,
                        ModelParticipant.model_slug == slug,
                        ModelParticipant.origin == ParticipantOrigin.CATALOG.value,
                        ModelParticipant.deleted_at.is_(None),
                    )
                )
            ).scalar_one_or_none()
            created = row is None
            await LOCAL_ID.ensure_free(
                session, values["local_id"], within=tenant, except_id=row.id if row else None
            )
            if row is None:
                row = ModelParticipant(
                    id=new_id(IdPrefix.MODEL_PARTICIPANT),
                    tenant_id=tenant,
                    model_slug=slug,
                    origin=ParticipantOrigin.CATALOG.value,
                    **values,
                )
                session.add(row)
            else:
                for name, value in values.items():
                    setattr(row, name, value)
                row.updated_at = utcnow()
            await session.flush()
            await audit.record(
                session,
                context,
                "model_participant.configure",
                resource_type=RESOURCE_TYPE,
                resource_id=row.id,
                tenant_id=tenant,
                metadata={"model_slug": slug, "local_id": row.local_id, "created": created},
            )
    return row


async def create(
    context: RequestContext, tenant_id: str | None, fields: dict[str, Any]
) -> ModelParticipant:
    """A manual model participant; its model must be in the catalog (422 naming model_slug)."""
    tenant = await tenant_context.resolve(context, tenant_id)
    values = _validated(fields)
    slug = validation.required_text("model_slug", fields.get("model_slug"), max_length=200)
    if slug not in await catalog.slugs(context):
        raise BadInput("model_slug", f"'{slug}' is not a model of the catalog")
    row = ModelParticipant(
        id=new_id(IdPrefix.MODEL_PARTICIPANT),
        tenant_id=tenant,
        model_slug=slug,
        origin=ParticipantOrigin.MANUAL.value,
        **values,
    )
    with LOCAL_ID.violations(values["local_id"]):
        async with context.transaction() as session:
            await tenant_context.lock(session, context, tenant)
            await LOCAL_ID.ensure_free(session, values["local_id"], within=tenant)
            session.add(row)
            await session.flush()
            await audit.record(
                session,
                context,
                "participant.create",
                resource_type=RESOURCE_TYPE,
                resource_id=row.id,
                tenant_id=tenant,
                metadata={"model_slug": slug, "local_id": row.local_id},
            )
    return row


def _people(tenant_id: str) -> Any:
    return select(
        _USERS.c.id,
        literal(ParticipantKind.PERSON.value, String).label("kind"),
        (literal("0", String) + _USERS.c.id).label("sort_key"),
        # A person is shown by name, or by address while it has none.
        func.coalesce(_USERS.c.display_name, _USERS.c.email).label("display_name"),
        _USERS.c.email,
        _USERS.c.status,
        cast(null(), String).label("model_slug"),
        cast(null(), String).label("origin"),
        cast(null(), String).label("local_id"),
        cast(null(), Text).label("system_prompt"),
        cast(null(), String).label("default_response_mode"),
        cast(null(), Boolean).label("enabled"),
        _USERS.c.created_at,
        _USERS.c.updated_at,
    ).where(_USERS.c.tenant_id == tenant_id, _USERS.c.deleted_at.is_(None))


def _models(tenant_id: str) -> Any:
    return select(
        _MODELS.c.id,
        literal(ParticipantKind.MODEL.value, String).label("kind"),
        (literal("1", String) + _MODELS.c.id).label("sort_key"),
        _MODELS.c.display_name,
        cast(null(), String).label("email"),
        cast(null(), String).label("status"),
        _MODELS.c.model_slug,
        _MODELS.c.origin,
        _MODELS.c.local_id,
        _MODELS.c.system_prompt,
        _MODELS.c.default_response_mode,
        _MODELS.c.enabled,
        _MODELS.c.created_at,
        _MODELS.c.updated_at,
    ).where(_MODELS.c.tenant_id == tenant_id, _MODELS.c.deleted_at.is_(None))


async def list_(
    context: RequestContext,
    tenant_id: str | None,
    window: Window,
    *,
    kind: ParticipantKind | None = None,
) -> Slice:
    """People first (in creation order), then model participants (in creation order)."""
    tenant = await tenant_context.resolve(context, tenant_id)
    parts: list[Any] = []
    if kind is None or kind is ParticipantKind.PERSON:
        parts.append(_people(tenant))
    if kind is None or kind is ParticipantKind.MODEL:
        parts.append(_models(tenant))
    combined: Any = union_all(*parts) if len(parts) > 1 else parts[0]
    everyone = combined.subquery("participants")
    statement: Any = select(everyone)
    return await fetch_slice(context.read, statement, everyone.c.sort_key, window)
