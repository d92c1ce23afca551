"""The tenant's ScaiGrid API key is write-only: no response, log line or audit event holds it.

Every call a client could make around the key (setting it over REST and GraphQL, reading the
configuration, failing to write it for each reason, reading every other ScaiWave list) runs
with the logs captured at DEBUG; then every response body, every log line and every audit
event (all of its columns) is searched for the key.
"""

from __future__ import annotations

import io
import json
import secrets
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.settings import Settings
from db.models import AuditEvent
from gateway.logs import configure_logging
from tests.collaboration.conftest import Tenancy
from tests.factories_collaboration import SONNET, create_built_in_catalog
from tests.tokens import Tokens, bearer

KEY = f"sk-scai-{secrets.token_hex(16)}"
FULL_CONFIG = """query ($t: ID) { aiConfig(tenantId: $t) {
    tenantId defaultModel enabledModels systemPromptTemplates { name prompt }
    scaigridAuthMode hasScaigridApiKey updatedAt } }"""
UPDATE = """mutation ($t: ID, $input: AiConfigInput!) {
    updateAiConfig(tenantId: $t, input: $input) { hasScaigridApiKey } }"""


@pytest.fixture
def debug_log(settings: Settings) -> Iterator[io.StringIO]:
    stream = io.StringIO()
    configure_logging(
        settings.model_copy(update={"log_format": "json", "log_level": "DEBUG"}), stream=stream
    )
    try:
        yield stream
    finally:
        configure_logging(settings)


def _body(key: Any = KEY, **changes: Any) -> dict[str, Any]:
    return {
        "default_model": SONNET,
        "enabled_models": [SONNET],
        "system_prompt_templates": [],
        "scaigrid_auth_mode": "tenant_api_key",
        "scaigrid_api_key": key,
        **changes,
    }


def _graphql_input(key: str, **changes: Any) -> dict[str, Any]:
    return {
        "defaultModel": SONNET,
        "enabledModels": [SONNET],
        "systemPromptTemplates": [],
        "scaigridAuthMode": "tenant_api_key",
        "scaigridApiKey": key,
        **changes,
    }


class TestTheApiKeyNeverAppears:
    async def test_in_responses_logs_or_audit_events(
        self,
        tenancy: Tenancy,
        http: httpx.AsyncClient,
        tokens: Tokens,
        sessions: async_sessionmaker[AsyncSession],
        debug_log: io.StringIO,
    ) -> None:
        # given
        await create_built_in_catalog(sessions)
        admin = tenancy.super_admin(tokens)
        tenant = {"t": tenancy.tenant.id}
        gql_headers = bearer(tokens.super_admin())
        config = "/v1/admin/ai-config"
        in_t = {"X-Scai-Tenant": tenancy.tenant.id}

        def update(**changes: Any) -> dict[str, Any]:
            return {
                "query": UPDATE,
                "variables": {**tenant, "input": _graphql_input(KEY, **changes)},
            }

        calls: list[tuple[str, str, dict[str, str], Any]] = [
            # set it, over both surfaces, and read everything back
            ("PUT", config, admin, _body()),
            ("GET", config, admin, None),
            ("GET", config, tenancy.tenant_admin(tokens), None),
            ("POST", "/graphql", gql_headers, update()),
            ("POST", "/graphql", gql_headers, {"query": FULL_CONFIG, "variables": tenant}),
            # every way of failing while sending it
            ("PUT", config, admin, _body(default_model="acme/unknown")),
            ("PUT", config, admin, _body(enabled_models=["acme/unknown"])),
            ("PUT", config, admin, _body(scaigrid_auth_mode="nonsense")),
            ("PUT", config, admin, _body(key=f"{KEY} {KEY}")),
            ("PUT", config, admin, _body(key=KEY * 40)),
            ("PUT", config, admin, _body(extra=KEY)),
            ("PUT", config, admin | {"X-Scai-Tenant": "tnt_nope"}, _body()),
            ("PUT", config, bearer(tokens.tenant_admin(tenancy.sibling.id)) | in_t, _body()),
            ("PUT", config, bearer(tokens.platform("admin:read")) | in_t, _body()),
            ("PUT", config, in_t, _body()),
            ("POST", "/graphql", gql_headers, update(enabledModels=[5])),
            ("POST", "/graphql", gql_headers, update(defaultModel="acme/x")),
            # the rest of the tenant's ScaiWave settings
            ("GET", "/v1/admin/models/catalog", admin, None),
            ("GET", "/v1/admin/participants", admin, None),
            ("GET", "/v1/admin/plugins", admin, None),
        ]

        # when
        bodies = []
        for method, path, headers, payload in calls:
            response = await http.request(method, path, json=payload, headers=headers)
            bodies.append(response.text)
        async with sessions() as session:
            events = list((await session.execute(select(AuditEvent))).scalars())

        # then the calls did what they should (the key was set, the failures failed) ...
        assert json.loads(bodies[1])["has_scaigrid_api_key"] is True
        assert all('"code"' in text or '"errors"' in text for text in bodies[5:17])
        assert len(events) >= 10  # successes, and the refusals that reached the field
        # ... and the key is nowhere
        for text in bodies:
            assert KEY not in text
        log = debug_log.getvalue()
        assert log.count("\n") >= len(calls)
        assert KEY not in log
        for event in events:
            columns = {c.key: getattr(event, c.key) for c in AuditEvent.__mapper__.column_attrs}
            assert KEY not in json.dumps(columns, default=str)
