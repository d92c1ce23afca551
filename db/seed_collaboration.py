"""Seed data of the ScaiWave side: the built-in model catalog and each tenant's AI setup.

`seed` calls `write_collaboration` after the tenants are written: the catalog's models
(those not there yet), and for every tenant an AI configuration, a few enabled plugins of
the registry (which migration 0007 installs) and two model participants.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from db.ids import IdPrefix, new_id
from db.models import ModelCatalogEntry, ModelParticipant, Plugin, TenantAiConfig, TenantPlugin
from db.models.ai_config import ScaiGridAuthMode
from db.models.participants import ParticipantOrigin, ResponseMode

Write = Callable[[type[Any], list[dict[str, Any]]], Awaitable[None]]

# (slug, name, context window, capabilities, description): realistic ScaiGrid slugs.
CATALOG: tuple[tuple[str, str, int | None, tuple[str, ...], str], ...] = (
    ("anthropic/claude-sonnet-4-6", "Claude Sonnet 4.6", 200_000, ("chat", "vision", "tools"),
     "Balanced model for everyday work: writing, analysis and code."),
    ("anthropic/claude-haiku-4-5", "Claude Haiku 4.5", 200_000, ("chat", "vision", "tools"),
     "Fast, low-cost model for quick answers and high volumes."),
    ("anthropic/claude-opus-4-1", "Claude Opus 4.1", 200_000, ("chat", "vision", "tools"),
     "The most capable Claude model, for complex reasoning."),
    ("openai/gpt-4o", "GPT-4o", 128_000, ("chat", "vision", "tools"),
     "OpenAI's multimodal flagship."),
    ("openai/gpt-4o-mini", "GPT-4o mini", 128_000, ("chat", "vision", "tools"),
     "Small, fast and inexpensive GPT-4o."),
    ("mistralai/mistral-large-latest", "Mistral Large", 128_000, ("chat", "tools"),
     "Mistral's top model for reasoning and multilingual work."),
    ("mistralai/codestral-latest", "Codestral", 256_000, ("chat", "code"),
     "Mistral's model for code completion and generation."),
    ("mistralai/voxtral-small-latest", "Voxtral Small", 32_000, ("audio", "chat", "transcription"),
     "Speech understanding: transcription and questions about audio."),
    ("google/gemini-2.5-pro", "Gemini 2.5 Pro", 1_000_000, ("chat", "vision", "tools"),
     "Google's long-context multimodal model."),
    ("meta-llama/llama-3.3-70b-instruct", "Llama 3.3 70B Instruct", 128_000, ("chat",),
     "Open-weight instruction model, hosted by ScaiGrid."),
    ("scai/scailar-pro", "Scailar Pro", 64_000, ("chat", "tools"),
     "Scai's own assistant model, tuned for collaboration rooms."),
)  # fmt: skip

_ENABLED = ("anthropic/claude-sonnet-4-6", "openai/gpt-4o-mini", "mistralai/voxtral-small-latest")
_TEMPLATES = (
    {"name": "Friendly", "prompt": "You are a friendly assistant. Keep answers short and warm."},
    {"name": "Code reviewer", "prompt": "You review code changes. Bugs first, then style."},
)
_PLUGINS = ("web-search", "file-analysis", "meeting-transcription")


def catalog_rows(now: datetime, *, except_slugs: Sequence[str] = ()) -> list[dict[str, Any]]:
    return [
        {
            "slug": slug,
            "name": name,
            "provider": slug.split("/", 1)[0],
            "context_window": window,
            "capabilities": list(capabilities),
            "description": description,
            "created_at": now,
            "updated_at": now,
        }
        for slug, name, window, capabilities, description in CATALOG
        if slug not in except_slugs
    ]


def _participants(tenant_id: str, now: datetime) -> list[dict[str, Any]]:
    common = {"tenant_id": tenant_id, "enabled": True, "deleted_at": None}
    stamps = {"created_at": now, "updated_at": now}
    return [
        {
            "id": new_id(IdPrefix.MODEL_PARTICIPANT),
            "model_slug": "anthropic/claude-sonnet-4-6",
            "origin": ParticipantOrigin.CATALOG.value,
            "local_id": "code-helper",
            "display_name": "Code Helper",
            "system_prompt": "You are a code review assistant. Prefer brevity.",
            "default_response_mode": ResponseMode.ON_MENTION.value,
            **common,
            **stamps,
        },
        {
            "id": new_id(IdPrefix.MODEL_PARTICIPANT),
            "model_slug": "mistralai/voxtral-small-latest",
            "origin": ParticipantOrigin.MANUAL.value,
            "local_id": "scribe",
            "display_name": "Scribe",
            "system_prompt": "Transcribe voice notes and calls; answer only when asked.",
            "default_response_mode": ResponseMode.SILENT.value,
            **common,
            **stamps,
        },
    ]


async def write_collaboration(
    connection: AsyncConnection, write: Write, tenants: Sequence[dict[str, Any]], now: datetime
) -> None:
    present = set((await connection.execute(select(ModelCatalogEntry.slug))).scalars())
    await write(ModelCatalogEntry, catalog_rows(now, except_slugs=tuple(present)))
    registry = set((await connection.execute(select(Plugin.id))).scalars())
    stamps = {"created_at": now, "updated_at": now}
    configs: list[dict[str, Any]] = []
    plugins: list[dict[str, Any]] = []
    participants: list[dict[str, Any]] = []
    for index, tenant in enumerate(tenants):
        configs.append(
            {
                "tenant_id": tenant["id"],
                "default_model": _ENABLED[0],
                "enabled_models": list(_ENABLED),
                "system_prompt_templates": [dict(item) for item in _TEMPLATES],
                "scaigrid_auth_mode": ScaiGridAuthMode.PER_USER_EXCHANGE.value,
                "scaigrid_api_key_sealed": None,
                **stamps,
            }
        )
        # Every other tenant also records its meetings, so the states differ between tenants.
        chosen = _PLUGINS if index % 2 else _PLUGINS[:2]
        plugins.extend(
            {"tenant_id": tenant["id"], "plugin_id": key, "enabled": True, **stamps}
            for key in chosen
            if key in registry
        )
        participants.extend(_participants(tenant["id"], now))
    await write(TenantAiConfig, configs)
    await write(TenantPlugin, plugins)
    await write(ModelParticipant, participants)
