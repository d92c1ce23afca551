"""A real gateway on 127.0.0.1 and Debian's headless Chromium, driven by Playwright.

The server is the suite's app (its database, already started) served by uvicorn on a free
port in the suite's event loop. Playwright never downloads a browser: it launches
/usr/bin/chromium, which `scripts/browser-up` installs. The tests run once, on the SQLite run
of `make test`; without Chromium they are skipped, except in CI where that is a failure.
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.async_api import Browser, async_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium(db_kind: str) -> str:
    if db_kind != "sqlite":
        pytest.skip("the browser tests run once per `make test`, on the SQLite run")
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing: scripts/browser-up installs Debian's chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


class _Server(uvicorn.Server):
    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        """Leave Ctrl-C to pytest: this server lives inside the test session."""
        yield


@pytest.fixture(scope="session")
async def live_server(app: FastAPI, chromium: str) -> AsyncIterator[str]:
    """The base URL of the suite's app served over real HTTP on 127.0.0.1."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, lifespan="off", log_level="warning", access_log=False)
    server = _Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    async with asyncio.timeout(10):
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()


@pytest.fixture(scope="session")
async def browser(chromium: str) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=chromium, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            await browser.close()
