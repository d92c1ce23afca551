"""The test TCP proxy itself: it forwards, a cut breaks connections and refuses new ones, a
restore lets them through again (PostgreSQL runs only)."""

from __future__ import annotations

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from tests.tcp_proxy import tcp_proxy, threaded_tcp_proxy


@pytest.fixture
def postgres(db_kind: str, database_url: str) -> tuple[str, int, str]:
    if db_kind != "postgresql":
        pytest.skip("the proxy stands in front of PostgreSQL")
    url = make_url(database_url)
    return url.host or "127.0.0.1", url.port or 5432, url.database or "postgres"


async def _select_one(port: int, database: str) -> int:
    connection = await asyncpg.connect(
        host="127.0.0.1", port=port, user="postgres", database=database, timeout=5
    )
    try:
        value: int = await connection.fetchval("SELECT 1")
        return value
    finally:
        await connection.close()


class TestTcpProxy:
    async def test_a_cut_breaks_open_connections_and_refuses_new_ones_until_restored(
        self, postgres: tuple[str, int, str]
    ) -> None:
        host, port, database = postgres
        async with tcp_proxy(host, port) as proxy:
            connection = await asyncpg.connect(
                host="127.0.0.1", port=proxy.port, user="postgres", database=database
            )
            assert await connection.fetchval("SELECT 1") == 1

            await proxy.cut()

            with pytest.raises((OSError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError)):
                await connection.fetchval("SELECT 1")
            with pytest.raises(OSError):
                await _select_one(proxy.port, database)

            await proxy.restore()

            assert await _select_one(proxy.port, database) == 1
            connection.terminate()

    async def test_the_threaded_proxy_forwards_while_its_caller_awaits_elsewhere(
        self, postgres: tuple[str, int, str]
    ) -> None:
        host, port, database = postgres
        with threaded_tcp_proxy(host, port) as proxy:
            assert await _select_one(proxy.port, database) == 1
            proxy.cut()
            with pytest.raises(OSError):
                await _select_one(proxy.port, database)
            proxy.restore()
            assert await _select_one(proxy.port, database) == 1
