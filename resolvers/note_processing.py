"""Note processing: how a tenant's notes are organised by AI, validated field by field.

| field | values | default |
|---|---|---|
| `enabled` | true / false | false |
| `model` | a model enabled for the tenant, or null for the tenant's default model | null |
| `auto_tag` | true / false | true |
| `auto_summarize` | true / false | false |
| `summary_length` | short, medium, long | medium |
| `languages` | 1 to 50 BCP-47 tags, stored in canonical form (`EN_us` → `en-US`) | ["en"] |
| `retention_days` | 1 to 3650 | 365 |

A tenant without a stored row has the defaults; the first write stores all of them with
the fields it changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import langcodes
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import utcnow
from db.models import NoteProcessingSettings
from db.models.note_processing import SummaryLength
from resolvers import ai_config, audit, tenant_context, validation
from resolvers.context import RequestContext
from resolvers.errors import BadInput
from resolvers.writes import apply_patch

ACTION = "note_processing.update"
RESOURCE_TYPE = "note_processing"
MAX_LANGUAGES = 50
MIN_RETENTION_DAYS = 1
MAX_RETENTION_DAYS = 3650
DEFAULTS: dict[str, Any] = {
    "enabled": False,
    "model": None,
    "auto_tag": True,
    "auto_summarize": False,
    "summary_length": SummaryLength.MEDIUM.value,
    "languages": ("en",),
    "retention_days": 365,
}


def defaults() -> dict[str, Any]:
    """A fresh copy of the defaults (the stored list must not be shared)."""
    return {**DEFAULTS, "languages": list(DEFAULTS["languages"])}


@dataclass(frozen=True, slots=True)
class NoteProcessingState:
    tenant_id: str
    enabled: bool
    model: str | None
    auto_tag: bool
    auto_summarize: bool
    summary_length: str
    languages: list[str]
    retention_days: int
    updated_at: datetime | None  # None while the tenant has the defaults


def _state(tenant_id: str, row: NoteProcessingSettings | None) -> NoteProcessingState:
    if row is None:
        return NoteProcessingState(tenant_id=tenant_id, updated_at=None, **defaults())
    return NoteProcessingState(
        tenant_id=tenant_id,
        enabled=row.enabled,
        model=row.model,
        auto_tag=row.auto_tag,
        auto_summarize=row.auto_summarize,
        summary_length=row.summary_length,
        languages=list(row.languages),
        retention_days=row.retention_days,
        updated_at=row.updated_at,
    )


async def get(context: RequestContext, tenant_id: str | None) -> NoteProcessingState:
    tenant = await tenant_context.resolve(context, tenant_id)
    async with context.read() as session:
        return _state(tenant, await session.get(NoteProcessingSettings, tenant))


def _languages(value: Any) -> list[str]:
    if value is None:
        raise BadInput("languages", "must not be null")
    tags = validation.string_list("languages", value, max_items=MAX_LANGUAGES)
    if not tags:
        raise BadInput("languages", "must name at least one language")
    canonical: list[str] = []
    for tag in tags:
        if not langcodes.tag_is_valid(tag):
            raise BadInput("languages", f"'{tag}' is not a valid BCP-47 language tag")
        canonical.append(langcodes.standardize_tag(tag))
    return list(dict.fromkeys(canonical))


def _retention_days(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise BadInput("retention_days", "must be an integer number of days")
    if not MIN_RETENTION_DAYS <= value <= MAX_RETENTION_DAYS:
        raise BadInput(
            "retention_days", f"must be between {MIN_RETENTION_DAYS} and {MAX_RETENTION_DAYS}"
        )
    return value


_VALIDATORS: dict[str, Callable[[Any], Any]] = {
    "enabled": lambda v: validation.flag("enabled", v),
    "model": lambda v: validation.text("model", v, max_length=200, required=False),
    "auto_tag": lambda v: validation.flag("auto_tag", v),
    "auto_summarize": lambda v: validation.flag("auto_summarize", v),
    "summary_length": lambda v: validation.choice("summary_length", v, SummaryLength),
    "languages": _languages,
    "retention_days": _retention_days,
}


async def _ensure_model_enabled(session: AsyncSession, tenant_id: str, model: str) -> None:
    """The tenant's enabled models are its AI configuration's (`resolvers.ai_config`), read
    under the same tenant lock that enabling and disabling a model take."""
    config = await ai_config.stored(session, tenant_id)
    if config is None or model not in config.enabled_models:
        raise BadInput("model", f"'{model}' is not a model enabled for this tenant")


async def update(
    context: RequestContext, tenant_id: str | None, changes: dict[str, Any]
) -> NoteProcessingState:
    """Changes the fields given; the others keep their value (or default)."""
    validated = {name: _VALIDATORS[name](value) for name, value in changes.items()}
    async with context.transaction() as session:
        tenant = (await tenant_context.lock(session, context, tenant_id)).id
        if validated.get("model") is not None:
            await _ensure_model_enabled(session, tenant, validated["model"])
        row = await session.get(NoteProcessingSettings, tenant)
        if row is None:
            row = NoteProcessingSettings(tenant_id=tenant, **defaults())
            session.add(row)
        apply_patch(row, validated, {})
        row.updated_at = utcnow()
        await audit.record(
            session,
            context,
            ACTION,
            resource_type=RESOURCE_TYPE,
            resource_id=tenant,
            tenant_id=tenant,
            metadata=validated,
        )
        await session.flush()
        return _state(tenant, row)
