"""Opening a page in the browser and watching what it asks for; typing into its editors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.async_api import Browser, Page

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
NO_NETWORK_SCHEMES = {"data", "blob", "about"}


@dataclass
class Traffic:
    """Everything a page asked for, and what went wrong."""

    urls: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def to_other_hosts(self) -> list[str]:
        return [
            url
            for url in self.urls
            if urlsplit(url).scheme not in NO_NETWORK_SCHEMES
            and urlsplit(url).hostname not in LOCAL_HOSTS
        ]


@asynccontextmanager
async def opened(browser: Browser, url: str) -> AsyncIterator[tuple[Page, Traffic]]:
    context = await browser.new_context()
    traffic = Traffic()
    context.on("request", lambda request: traffic.urls.append(request.url))
    context.on(
        "requestfailed",
        lambda request: traffic.failures.append(f"{request.url}: {request.failure}"),
    )
    context.on(
        "response",
        lambda response: (
            traffic.failures.append(f"{response.url}: {response.status}")
            if response.status >= 400
            else None
        ),
    )
    page = await context.new_page()
    page.on("websocket", lambda websocket: traffic.urls.append(websocket.url))
    page.on("pageerror", lambda error: traffic.page_errors.append(str(error)))
    try:
        await page.goto(url)
        yield page, traffic
    finally:
        await context.close()


def assert_stayed_local(traffic: Traffic) -> None:
    assert traffic.urls, "the page made no request at all"
    assert traffic.to_other_hosts() == []
    assert traffic.failures == []
    assert traffic.page_errors == []


async def type_into(page: Page, editor: str, text: str) -> None:
    await page.locator(editor).click()
    await page.keyboard.press("Control+A")
    await page.keyboard.press("Delete")
    await page.keyboard.insert_text(text)
