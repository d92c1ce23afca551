"""GraphiQL and Swagger UI in a real browser: they work, and never reach another host."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import httpx
from fastapi import FastAPI
from playwright.async_api import Browser, expect
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.browser.pages import assert_stayed_local, opened, type_into
from tests.factories import create_partner, create_tenant
from tests.tokens import Tokens, bearer


async def test_graphiql_runs_a_query_with_the_bearer_token_typed_into_its_headers(
    browser: Browser,
    live_server: str,
    sessions: async_sessionmaker[AsyncSession],
    tokens: Tokens,
) -> None:
    partner = await create_partner(sessions)
    tenant = await create_tenant(sessions, partner=partner, name="Tenant Seen In Chromium")

    async with opened(browser, f"{live_server}/graphql") as (page, traffic):
        query_editor = page.locator(".graphiql-query-editor .CodeMirror")
        await query_editor.click()
        await page.keyboard.press("Control+A")
        await page.keyboard.press("Delete")
        await page.keyboard.type(f'{{ tenant(id: "{tenant.id}") {{ id name }} }}')

        # The headers pane is open from the start, with the Authorization header to fill in.
        headers_editor = page.locator(
            ".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror"
        )
        await expect(headers_editor).to_contain_text('"Authorization": "Bearer "')
        await headers_editor.click()
        await page.keyboard.press("Control+A")
        await page.keyboard.press("Delete")
        await page.keyboard.insert_text(f'{{"Authorization": "Bearer {tokens.super_admin()}"}}')

        await page.locator(".graphiql-execute-button").click()
        response = page.locator(".graphiql-response")
        await expect(response).to_contain_text("Tenant Seen In Chromium", timeout=10_000)
        await expect(response).to_contain_text(tenant.id)

    assert any(urlsplit(url).path.startswith("/static/vendor/graphiql/") for url in traffic.urls)
    assert_stayed_local(traffic)


async def test_graphiql_follows_the_audit_feed_over_a_websocket(
    app: FastAPI,
    browser: Browser,
    live_server: str,
    sessions: async_sessionmaker[AsyncSession],
    tokens: Tokens,
) -> None:
    # Given GraphiQL subscribed to the audit feed with the token typed into its headers
    token = tokens.super_admin()
    async with opened(browser, f"{live_server}/graphql") as (page, traffic):
        await type_into(
            page,
            ".graphiql-query-editor .CodeMirror",
            "subscription { auditEvents { action resourceType } }",
        )
        await type_into(
            page,
            ".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror",
            f'{{"Authorization": "Bearer {token}"}}',
        )
        await page.locator(".graphiql-execute-button").click()
        feed = app.state.audit_feed
        async with asyncio.timeout(10):
            while feed.subscriber_count == 0:  # noqa: ASYNC110 - a counter, not an event
                await asyncio.sleep(0.05)

        # When a partner is created through the REST API
        async with httpx.AsyncClient(base_url=live_server) as client:
            created = await client.post(
                "/api/v1/admin/partners",
                json={"name": "Seen Live", "slug": "seen-live"},
                headers=bearer(token),
            )
        assert created.status_code == 201, created.text

        # Then its event appears in GraphiQL's result pane
        response = page.locator(".graphiql-response")
        await expect(response).to_contain_text("partner.create", timeout=10_000)

    sockets = [url for url in traffic.urls if urlsplit(url).scheme == "ws"]
    assert sockets and all(urlsplit(url).path == "/graphql" for url in sockets)
    assert_stayed_local(traffic)


async def test_swagger_ui_renders_the_scaikey_operations(
    browser: Browser, live_server: str
) -> None:
    async with opened(browser, f"{live_server}/docs") as (page, traffic):
        await expect(page.locator(".opblock-tag", has_text="ScaiKey admin")).to_be_visible()
        tenants = page.locator(".opblock-summary-path", has_text="/api/v1/admin/tenants")
        await expect(tenants.first).to_be_visible()
        assert await page.locator(".opblock").count() > 20

    assert any(urlsplit(url).path == "/openapi.json" for url in traffic.urls)
    assert_stayed_local(traffic)
