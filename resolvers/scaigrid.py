"""ScaiGrid's model list: an async HTTP client with a short in-process cache.

The contract consumed (README "ScaiWave admin API"):

    GET {SCAIGATE_SCAIGRID_URL}/v1/models
    Accept: application/json
    Authorization: Bearer {SCAIGATE_SCAIGRID_API_KEY}      (only when that is set)

    200 {"data": [{"slug": "mistralai/voxtral-small-latest",   required, non-empty
                   "name": "Voxtral Small",                     required, non-empty
                   "provider": "mistralai",                     default: the slug's first part
                   "context_window": 32000,                     integer or null
                   "capabilities": ["audio", "chat"],           strings, default []
                   "description": "…"}]}                        string or null

Other keys are ignored; a slug listed twice keeps its first entry. Anything else is an
upstream failure: another status is 502 `ScaiGrid answered <status>`, a body that does not
fit is 502 naming what is wrong, and no answer at all (refused, unresolvable, timed out
after the configured connect/read timeouts) is 503. A list fetched is kept for
`SCAIGATE_SCAIGRID_CATALOG_TTL_SECONDS` in this process; failures are not cached.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import httpx
import structlog
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, ValidationError

from core.settings import Settings
from resolvers.errors import UpstreamFailed, UpstreamUnavailable

logger = structlog.get_logger("scaigate.scaigrid")

MODELS_PATH = "/v1/models"
_UPSTREAM = "scaigrid"


@dataclass(frozen=True, slots=True)
class CatalogModel:
    slug: str
    name: str
    provider: str
    context_window: int | None
    capabilities: tuple[str, ...]
    description: str | None


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")

    slug: StrictStr = Field(min_length=1, max_length=200)
    name: StrictStr = Field(min_length=1, max_length=200)
    provider: StrictStr | None = Field(default=None, max_length=100)
    context_window: StrictInt | None = Field(default=None, ge=0)
    capabilities: list[StrictStr] = Field(default_factory=list)
    description: StrictStr | None = None


class _ModelList(BaseModel):
    model_config = ConfigDict(extra="ignore")

    data: list[_Model]


@dataclass(frozen=True, slots=True)
class _Cached:
    expires_at: float
    models: tuple[CatalogModel, ...]


_cache: dict[str, _Cached] = {}


def clear_cache() -> None:
    _cache.clear()


def _catalog_model(entry: _Model) -> CatalogModel:
    return CatalogModel(
        slug=entry.slug,
        name=entry.name,
        provider=entry.provider or entry.slug.split("/", 1)[0],
        context_window=entry.context_window,
        capabilities=tuple(entry.capabilities),
        description=entry.description,
    )


def parse_models(content: bytes) -> tuple[CatalogModel, ...]:
    """The models of a `/v1/models` body; UpstreamFailed (502) when it does not fit."""
    try:
        payload = _ModelList.model_validate_json(content)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        # The reason names a place and a rule, never the value (it may be anything).
        raise UpstreamFailed(
            f"ScaiGrid answered with an unexpected model list ({where}: {first['msg']})",
            upstream=_UPSTREAM,
        ) from exc
    models: dict[str, CatalogModel] = {}
    for entry in payload.data:
        models.setdefault(entry.slug, _catalog_model(entry))
    return tuple(models.values())


async def _fetch(settings: Settings, url: str) -> tuple[CatalogModel, ...]:
    timeout = httpx.Timeout(
        connect=settings.scaigrid_connect_timeout_seconds,
        read=settings.scaigrid_read_timeout_seconds,
        write=settings.scaigrid_read_timeout_seconds,
        pool=settings.scaigrid_connect_timeout_seconds,
    )
    headers = {"Accept": "application/json"}
    if settings.scaigrid_api_key is not None:
        headers["Authorization"] = f"Bearer {settings.scaigrid_api_key.get_secret_value()}"
    try:
        async with httpx.AsyncClient(timeout=timeout, follow_redirects=False) as client:
            response = await client.get(f"{url}{MODELS_PATH}", headers=headers)
    except httpx.TimeoutException as exc:
        logger.warning("scaigrid_unavailable", reason="timeout", error=type(exc).__name__)
        raise UpstreamUnavailable("ScaiGrid did not answer in time", upstream=_UPSTREAM) from exc
    except httpx.TransportError as exc:
        logger.warning("scaigrid_unavailable", reason="unreachable", error=type(exc).__name__)
        raise UpstreamUnavailable("ScaiGrid is unreachable", upstream=_UPSTREAM) from exc
    if response.status_code != 200:
        logger.warning("scaigrid_failed", status=response.status_code)
        raise UpstreamFailed(
            f"ScaiGrid answered {response.status_code}",
            upstream=_UPSTREAM,
            upstream_status=response.status_code,
        )
    return parse_models(response.content)


async def list_models(settings: Settings) -> Sequence[CatalogModel]:
    """ScaiGrid's models (from the cache while it is fresh); requires `scaigrid_url`."""
    assert settings.scaigrid_url, "ScaiGrid is not configured"
    url = settings.scaigrid_url.rstrip("/")
    now = time.monotonic()
    cached = _cache.get(url)
    if cached is not None and cached.expires_at > now:
        return cached.models
    models = await _fetch(settings, url)
    if settings.scaigrid_catalog_ttl_seconds > 0:
        _cache[url] = _Cached(time.monotonic() + settings.scaigrid_catalog_ttl_seconds, models)
    return models
