"""`/v1/admin/plugins`: the registry with the tenant's state; enabling and disabling."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.collaboration.conftest import Tenancy
from tests.factories_collaboration import audit_events, create_plugin
from tests.tokens import Tokens

Sessions = async_sessionmaker[AsyncSession]
PLUGINS = "/v1/admin/plugins"
DISABLE = """mutation ($t: ID, $p: ID!) {
    disablePlugin(tenantId: $t, pluginId: $p) { id enabled updatedAt } }"""


class TestListPlugins:
    async def test_every_plugin_of_the_registry_with_the_tenants_state(
        self, tenancy: Tenancy, http: httpx.AsyncClient, tokens: Tokens, sessions: Sessions
    ) -> None:
        # given: calendar on for the tenant, web search on only for its sibling
        await create_plugin(sessions, plugin_id="calendar", name="Calendar", description="Meets.")
        await create_plugin(
            sessions, plugin_id="web-search", name="Web search", description="Finds."
        )
        await http.post(f"{PLUGINS}/calendar/enable", headers=tenancy.super_admin(tokens))
        await http.post(
            f"{PLUGINS}/web-search/enable", headers=tenancy.super_admin(tokens, tenancy.sibling)
        )

        # when
        response = await http.get(PLUGINS, headers=tenancy.tenant_admin(tokens))

        # then
        assert response.status_code == 200
        calendar, web_search = response.json()["data"]
        assert calendar["updated_at"] is not None
        assert {**calendar, "updated_at": None} == {
            "id": "calendar",
            "name": "Calendar",
            "description": "Meets.",
            "enabled": True,
            "updated_at": None,
        }
        assert web_search == {
            "id": "web-search",
            "name": "Web search",
            "description": "Finds.",
            "enabled": False,
            "updated_at": None,
        }


class TestEnableAndDisablePlugin:
    async def test_are_idempotent_and_record_one_event_each(
        self, tenancy: Tenancy, http: httpx.AsyncClient, tokens: Tokens, sessions: Sessions
    ) -> None:
        await create_plugin(sessions, plugin_id="web-search")
        admin = tenancy.tenant_admin(tokens)

        enabled = await http.post(f"{PLUGINS}/web-search/enable", headers=admin)
        again = await http.post(f"{PLUGINS}/web-search/enable", headers=admin)
        disabled = await http.post(f"{PLUGINS}/web-search/disable", headers=admin)
        disabled_again = await http.post(f"{PLUGINS}/web-search/disable", headers=admin)

        assert (enabled.status_code, enabled.json()["enabled"]) == (200, True)
        assert again.json() == enabled.json()
        assert (disabled.status_code, disabled.json()["enabled"]) == (200, False)
        assert disabled_again.json() == disabled.json()
        events = [
            (event.action, event.resource_type, event.resource_id, event.tenant_id,
             event.event_metadata["changed"])
            for event in await audit_events(sessions)
        ]  # fmt: skip
        tenant = tenancy.tenant.id
        assert events == [
            ("plugin.enable", "plugin", "web-search", tenant, True),
            ("plugin.enable", "plugin", "web-search", tenant, False),
            ("plugin.disable", "plugin", "web-search", tenant, True),
            ("plugin.disable", "plugin", "web-search", tenant, False),
        ]

    async def test_disabling_a_plugin_never_enabled_changes_nothing(
        self, tenancy: Tenancy, gql: Any, tokens: Tokens, sessions: Sessions
    ) -> None:
        await create_plugin(sessions, plugin_id="calendar")

        result = await gql(
            DISABLE, {"t": tenancy.tenant.id, "p": "calendar"}, token=tokens.super_admin()
        )

        assert result["data"]["disablePlugin"] == {
            "id": "calendar",
            "enabled": False,
            "updatedAt": None,
        }

    async def test_an_unknown_plugin_is_404(
        self, tenancy: Tenancy, http: httpx.AsyncClient, tokens: Tokens, sessions: Sessions
    ) -> None:
        response = await http.post(
            f"{PLUGINS}/teleporter/enable", headers=tenancy.super_admin(tokens)
        )

        assert response.status_code == 404
        assert response.json() == {"detail": "Plugin teleporter not found", "code": "NOT_FOUND"}
        [event] = await audit_events(sessions, action="plugin.enable")
        assert (event.result, event.resource_id) == ("failure", "teleporter")
