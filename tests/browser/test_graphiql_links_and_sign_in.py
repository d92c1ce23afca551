"""GraphiQL in a real browser: shareable links open it with their operation loaded, and its
"Sign in" panel fills the Authorization header; neither puts a token in a URL."""

from __future__ import annotations

import json
import uuid
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from fastapi import FastAPI
from playwright.async_api import Browser, Page, expect
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.enums import AdminRole
from tests.browser.pages import Traffic, assert_stayed_local, opened, type_into
from tests.factories import create_partner, create_tenant
from tests.factories_sessions import PASSWORD, create_admin, forget_failed_sign_ins
from tests.tokens import Tokens, bearer

QUERY_EDITOR = ".graphiql-query-editor .CodeMirror"
HEADERS_EDITOR = ".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror"
RESPONSE = ".graphiql-response"
SLOW = 20_000  # ms: GraphiQL parses and lints the whole operation on a shared machine
TENANT_QUERY = "query TenantName($id: ID!) { tenant(id: $id) { id name } }"


def link(base: str, **parameters: str) -> str:
    return f"{base}/graphql?{urlencode(parameters)}"


async def editor_text(page: Page, editor: str) -> str:
    text: str = await page.locator(editor).evaluate("element => element.CodeMirror.getValue()")
    return text


async def show_headers_with_token(page: Page, token: str) -> None:
    await type_into(page, HEADERS_EDITOR, json.dumps({"Authorization": f"Bearer {token}"}))


def assert_no_token_in_urls(page: Page, traffic: Traffic, token: str) -> None:
    assert token not in page.url
    assert not [url for url in traffic.urls if token in url]


@pytest.fixture
async def no_earlier_failures(app: FastAPI) -> None:
    await forget_failed_sign_ins(app)


class TestShareableLinks:
    async def test_a_link_opens_the_operation_and_runs_it(
        self,
        browser: Browser,
        live_server: str,
        sessions: async_sessionmaker[AsyncSession],
        tokens: Tokens,
    ) -> None:
        # Given a link holding a query, its variables and its operation name
        partner = await create_partner(sessions)
        tenant = await create_tenant(sessions, partner=partner, name="Opened From A Link")
        variables = json.dumps({"id": tenant.id})
        url = link(live_server, query=TENANT_QUERY, variables=variables, operationName="TenantName")

        async with opened(browser, url) as (page, traffic):
            # Then the explorer shows them
            await expect(page.locator(QUERY_EDITOR)).to_contain_text("query TenantName")
            assert await editor_text(page, QUERY_EDITOR) == TENANT_QUERY
            variables_editor = page.get_by_role("button", name="Variables")
            await variables_editor.click()
            variables_pane = ".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror"
            assert json.loads(await editor_text(page, variables_pane)) == {"id": tenant.id}

            # And runs the operation once a token is in the headers
            await page.get_by_role("button", name="Headers").click()
            token = tokens.super_admin()
            await show_headers_with_token(page, token)
            await page.locator(".graphiql-execute-button").click()
            await expect(page.locator(RESPONSE)).to_contain_text("Opened From A Link", timeout=SLOW)
            await expect(page.locator(RESPONSE)).to_contain_text(tenant.id)

            # And its own URL is still the link (the headers are not part of it)
            assert parse_qs(urlsplit(page.url).query) == {
                "query": [TENANT_QUERY],
                "variables": [variables],
                "operationName": ["TenantName"],
            }
            assert_no_token_in_urls(page, traffic, token)
        assert_stayed_local(traffic)

    async def test_a_link_runs_the_operation_it_names(
        self, browser: Browser, live_server: str, tokens: Tokens
    ) -> None:
        document = "query Role { viewer { role } }\nquery Count { tenants { totalCount } }"
        url = link(live_server, query=document, operationName="Count")

        async with opened(browser, url) as (page, traffic):
            await expect(page.locator(QUERY_EDITOR)).to_contain_text("query Count", timeout=SLOW)
            await show_headers_with_token(page, tokens.super_admin())
            await page.locator(".graphiql-execute-button").click()

            await expect(page.locator(RESPONSE)).to_contain_text("totalCount", timeout=SLOW)
            assert "role" not in await editor_text(page, RESPONSE + " .CodeMirror")
        assert_stayed_local(traffic)

    async def test_the_url_follows_the_query_editor(
        self, browser: Browser, live_server: str
    ) -> None:
        async with opened(browser, f"{live_server}/graphql") as (page, traffic):
            await type_into(page, QUERY_EDITOR, "{ viewer { role } }")

            await expect(page).to_have_url(link(live_server, query="{ viewer { role } }"))
        assert_stayed_local(traffic)

    @pytest.mark.parametrize(
        ("query", "variables", "refusal"),
        [
            # a control character: the server's parser refuses it
            ("{ viewer { role } }\x01", "", "Syntax Error"),
            # a 16 KB link: more tokens than the operation limits allow
            ("{ " + "viewer { role } " * 1000 + "}", "", "tokens, the maximum"),
            # variables that are not JSON: GraphiQL refuses them before sending
            (TENANT_QUERY, '{"id": ', "Variables are invalid JSON"),
        ],
        ids=["control-character", "huge", "malformed-variables"],
    )
    async def test_bad_input_in_a_link_still_opens_the_page(
        self,
        browser: Browser,
        live_server: str,
        tokens: Tokens,
        query: str,
        variables: str,
        refusal: str,
    ) -> None:
        parameters = {"query": query, **({"variables": variables} if variables else {})}

        async with opened(browser, link(live_server, **parameters)) as (page, traffic):
            # The page opens and shows the text as it came
            await expect(page.locator(QUERY_EDITOR)).to_be_visible(timeout=SLOW)
            assert await editor_text(page, QUERY_EDITOR) == query

            # And running it is refused with the usual error
            await show_headers_with_token(page, tokens.super_admin())
            await page.locator(".graphiql-execute-button").click()
            await expect(page.locator(RESPONSE)).to_contain_text(refusal, timeout=SLOW)
        assert traffic.page_errors == []
        assert [failure for failure in traffic.failures if "500" in failure] == []


class TestSignIn:
    async def test_signing_in_fills_the_authorization_header(
        self,
        browser: Browser,
        live_server: str,
        sessions: async_sessionmaker[AsyncSession],
        no_earlier_failures: None,
    ) -> None:
        # Given an admin user with a password
        partner = await create_partner(sessions)
        tenant = await create_tenant(sessions, partner=partner)
        email = f"explorer-{uuid.uuid4().hex[:8]}@example.com"
        admin = await create_admin(
            sessions, tenant=tenant, role=AdminRole.TENANT_ADMIN, email=email
        )

        async with opened(browser, f"{live_server}/graphql") as (page, traffic):
            # When they sign in from the explorer's panel
            panel = page.locator(".scaigate-sign-in")
            await panel.get_by_label("E-mail").fill(email)
            await panel.get_by_label("Password").fill(PASSWORD)
            await panel.get_by_role("button", name="Sign in").click()

            # Then the token is in the Authorization header, and queries run as them
            await expect(panel.get_by_role("status")).to_contain_text(
                f"Signed in as {email}", timeout=SLOW
            )
            headers = json.loads(await editor_text(page, HEADERS_EDITOR))
            token = headers["Authorization"].removeprefix("Bearer ")
            assert token.count(".") == 2, headers
            await type_into(page, QUERY_EDITOR, "{ viewer { role subject tenantId } }")
            await page.locator(".graphiql-execute-button").click()
            await expect(page.locator(RESPONSE)).to_contain_text(admin.id, timeout=SLOW)
            await expect(page.locator(RESPONSE)).to_contain_text(tenant.id)

            # And the token and the password were never in a URL
            assert_no_token_in_urls(page, traffic, token)
            assert not [url for url in traffic.urls if "password" in url or "horse" in url]
            assert await panel.get_by_label("Password").count() == 0

            # When they sign out, the header is empty again and the session has ended
            await panel.get_by_role("button", name="Sign out").click()
            await expect(panel.get_by_label("Password")).to_be_visible()
            headers = json.loads(await editor_text(page, HEADERS_EDITOR))
            assert headers == {"Authorization": "Bearer "}
        assert_stayed_local(traffic)
        async with httpx.AsyncClient(base_url=live_server) as client:
            after = await client.post(
                "/graphql", json={"query": "{ viewer { role } }"}, headers=bearer(token)
            )
        assert after.status_code == 401
        assert after.json()["errors"][0]["message"] == "Session has been revoked"

    async def test_a_wrong_password_is_said_and_leaves_the_header_alone(
        self,
        browser: Browser,
        live_server: str,
        sessions: async_sessionmaker[AsyncSession],
        no_earlier_failures: None,
    ) -> None:
        partner = await create_partner(sessions)
        tenant = await create_tenant(sessions, partner=partner)
        email = f"explorer-{uuid.uuid4().hex[:8]}@example.com"
        await create_admin(sessions, tenant=tenant, email=email)

        async with opened(browser, f"{live_server}/graphql") as (page, traffic):
            panel = page.locator(".scaigate-sign-in")
            await panel.get_by_label("E-mail").fill(email)
            await panel.get_by_label("Password").fill("not the password")
            await panel.get_by_role("button", name="Sign in").click()

            await expect(panel.get_by_role("alert")).to_have_text(
                "Invalid email or password", timeout=SLOW
            )
            headers = json.loads(await editor_text(page, HEADERS_EDITOR))
            assert headers == {"Authorization": "Bearer "}
        # The refused sign-in is the only failed request.
        assert [failure.rsplit(": ", 1)[1] for failure in traffic.failures] == ["401"]
        assert traffic.to_other_hosts() == []
        assert traffic.page_errors == []
