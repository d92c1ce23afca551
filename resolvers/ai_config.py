"""A tenant's AI settings: enabled models, default model, prompt templates, ScaiGrid access.

A tenant without a stored row has the defaults: no models, no templates, per-user token
exchange, no API key. `PUT` replaces the whole configuration; only the ScaiGrid API key is
kept when it is left out or null (`""` clears it), because it is write-only: a client that
read the configuration never had it to send back.

The key is sealed (`resolvers.sealed_secrets`) under the gateway's secrets key: readable by
the gateway when it calls ScaiGrid for the tenant (`scaigrid_api_key`), never returned by the
API, never written to an audit event or a log line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db.base import utcnow
from db.models import TenantAiConfig
from db.models.ai_config import ScaiGridAuthMode
from resolvers import audit, catalog, sealed_secrets, tenant_context, validation
from resolvers.context import RequestContext
from resolvers.errors import BadInput

ACTION = "ai_config.update"
RESOURCE_TYPE = "ai_config"
MAX_TEMPLATES = 50
MAX_TEMPLATE_NAME = 100
MAX_TEMPLATE_PROMPT = 8000
MAX_ENABLED_MODELS = 200
MAX_API_KEY = 1000
API_KEY = "scaigrid_api_key"
# Every key of the documented PUT body but the API key must be sent (null where allowed).
REQUIRED = ("default_model", "enabled_models", "system_prompt_templates", "scaigrid_auth_mode")


@dataclass(frozen=True, slots=True)
class PromptTemplate:
    name: str
    prompt: str


@dataclass(frozen=True, slots=True)
class AiConfigState:
    """What the API shows of a tenant's AI settings: everything but the key itself."""

    tenant_id: str
    default_model: str | None
    enabled_models: list[str]
    system_prompt_templates: list[PromptTemplate]
    scaigrid_auth_mode: ScaiGridAuthMode
    has_scaigrid_api_key: bool
    updated_at: datetime | None  # None while the tenant has the defaults

    @classmethod
    def of(cls, tenant_id: str, row: TenantAiConfig | None) -> AiConfigState:
        if row is None:
            return cls(tenant_id, None, [], [], ScaiGridAuthMode.PER_USER_EXCHANGE, False, None)
        return cls(
            tenant_id=tenant_id,
            default_model=row.default_model,
            enabled_models=list(row.enabled_models),
            system_prompt_templates=[
                PromptTemplate(item["name"], item["prompt"]) for item in row.system_prompt_templates
            ],
            scaigrid_auth_mode=ScaiGridAuthMode(row.scaigrid_auth_mode),
            has_scaigrid_api_key=row.scaigrid_api_key_sealed is not None,
            updated_at=row.updated_at,
        )


async def stored(session: AsyncSession, tenant_id: str) -> TenantAiConfig | None:
    return await session.get(TenantAiConfig, tenant_id)


async def stored_or_new(session: AsyncSession, tenant_id: str) -> TenantAiConfig:
    """The tenant's row for a write (call with the tenant locked), added with the defaults
    when the tenant has none yet."""
    row = await stored(session, tenant_id)
    if row is None:
        row = TenantAiConfig(
            tenant_id=tenant_id,
            default_model=None,
            enabled_models=[],
            system_prompt_templates=[],
            scaigrid_auth_mode=ScaiGridAuthMode.PER_USER_EXCHANGE.value,
            scaigrid_api_key_sealed=None,
        )
        session.add(row)
    return row


async def get(context: RequestContext, tenant_id: str | None) -> AiConfigState:
    tenant = await tenant_context.resolve(context, tenant_id)
    async with context.read() as session:
        return AiConfigState.of(tenant, await stored(session, tenant))


def _templates(value: Any) -> list[dict[str, str]]:
    field = "system_prompt_templates"
    if not isinstance(value, list):
        raise BadInput(field, "must be a list of {name, prompt}")
    if len(value) > MAX_TEMPLATES:
        raise BadInput(field, f"must have at most {MAX_TEMPLATES} templates")
    seen: set[str] = set()
    result = []
    for index, item in enumerate(value):
        at = f"{field}[{index}]"
        if not isinstance(item, dict) or set(item) - {"name", "prompt"}:
            raise BadInput(at, "must be an object with name and prompt")
        name = validation.required_text(
            f"{at}.name", item.get("name"), max_length=MAX_TEMPLATE_NAME
        )
        prompt = validation.required_text(
            f"{at}.prompt", item.get("prompt"), max_length=MAX_TEMPLATE_PROMPT
        )
        if name.casefold() in seen:
            raise BadInput(f"{at}.name", f"'{name}' is used by another template")
        seen.add(name.casefold())
        result.append({"name": name, "prompt": prompt})
    return result


def _enabled_models(value: Any) -> list[str]:
    if value is None:
        raise BadInput("enabled_models", "must not be null (send [] for none)")
    models = validation.string_list("enabled_models", value, max_items=MAX_ENABLED_MODELS)
    if any(not slug for slug in models):
        raise BadInput("enabled_models", "must not contain empty slugs")
    return models


def _api_key(value: Any) -> str | None:
    """The new key; None to keep the current one, "" to clear it. The value is never echoed."""
    if value is None or value == "":
        return value
    if not isinstance(value, str):
        raise BadInput(API_KEY, "must be a string")
    if len(value) > MAX_API_KEY:
        raise BadInput(API_KEY, f"must be at most {MAX_API_KEY} characters")
    if any(character.isspace() for character in value):
        raise BadInput(API_KEY, "must not contain whitespace")
    return value


@dataclass(frozen=True, slots=True)
class _Replacement:
    default_model: str | None
    enabled_models: list[str]
    templates: list[dict[str, str]]
    auth_mode: ScaiGridAuthMode
    api_key: str | None  # None: keep; "": clear


def _replacement(fields: dict[str, Any]) -> _Replacement:
    for name in REQUIRED:
        if name not in fields:
            raise BadInput(
                name, "is required" + (" (null for none)" if name == REQUIRED[0] else "")
            )
    enabled = _enabled_models(fields["enabled_models"])
    default = validation.text(
        "default_model", fields["default_model"], max_length=200, required=False
    )
    if default is not None and default not in enabled:
        raise BadInput("default_model", f"'{default}' must be one of enabled_models")
    mode = ScaiGridAuthMode(
        validation.choice("scaigrid_auth_mode", fields["scaigrid_auth_mode"], ScaiGridAuthMode)
    )
    return _Replacement(
        default,
        enabled,
        _templates(fields["system_prompt_templates"]),
        mode,
        _api_key(fields.get(API_KEY)),
    )


def _ensure_in_catalog(enabled: Sequence[str], known: set[str]) -> None:
    for slug in enabled:
        if slug not in known:
            raise BadInput("enabled_models", f"'{slug}' is not a model of the catalog")


async def update(
    context: RequestContext, tenant_id: str | None, fields: dict[str, Any]
) -> AiConfigState:
    """Replaces the tenant's configuration (the API key only when one is sent)."""
    tenant = await tenant_context.resolve(context, tenant_id)
    new = _replacement(fields)
    # Outside the transaction: no tenant lock is held while ScaiGrid answers.
    _ensure_in_catalog(new.enabled_models, await catalog.slugs(context))
    async with context.transaction() as session:
        await tenant_context.lock(session, context, tenant)
        row = await stored_or_new(session, tenant)
        before = AiConfigState.of(tenant, row)
        if new.api_key == "":
            row.scaigrid_api_key_sealed = None
        elif new.api_key is not None:
            row.scaigrid_api_key_sealed = sealed_secrets.seal(context.sealing_key, new.api_key)
        if new.auth_mode is ScaiGridAuthMode.TENANT_API_KEY and not row.scaigrid_api_key_sealed:
            raise BadInput(API_KEY, "is required when scaigrid_auth_mode is tenant_api_key")
        row.default_model = new.default_model
        row.enabled_models = new.enabled_models
        row.system_prompt_templates = new.templates
        row.scaigrid_auth_mode = new.auth_mode.value
        row.updated_at = utcnow()
        after = AiConfigState.of(tenant, row)
        await audit.record(
            session,
            context,
            ACTION,
            resource_type=RESOURCE_TYPE,
            resource_id=tenant,
            tenant_id=tenant,
            # Names of what changed only: never a value of the key (nor a sign of it).
            metadata={"changed": _changed(before, after, api_key_sent=bool(new.api_key))},
        )
        return after


def _changed(before: AiConfigState, after: AiConfigState, *, api_key_sent: bool) -> list[str]:
    names = [
        name
        for name in (*REQUIRED, "has_scaigrid_api_key")
        if getattr(before, name) != getattr(after, name)
    ]
    if api_key_sent and "has_scaigrid_api_key" not in names:
        names.append("has_scaigrid_api_key")  # replaced by another key
    return ["scaigrid_api_key" if name == "has_scaigrid_api_key" else name for name in names]


async def scaigrid_api_key(context: RequestContext, tenant_id: str) -> str | None:
    """The tenant's ScaiGrid API key in clear, for calling ScaiGrid on its behalf."""
    async with context.read() as session:
        row = await stored(session, tenant_id)
    if row is None or row.scaigrid_api_key_sealed is None:
        return None
    return sealed_secrets.unseal(context.sealing_key, row.scaigrid_api_key_sealed)
