"""A TCP proxy that tests put between the gateway and PostgreSQL, to cut and restore it.

`cut()` closes every connection through the proxy and stops listening, so a new connection
is refused (as while PostgreSQL restarts); `restore()` listens again on the same port. The
gateway is pointed at `proxy.port` instead of the database's own port.

`tcp_proxy()` runs it on the caller's event loop (an app driven in-process over ASGI);
`threaded_tcp_proxy()` runs it on a loop of its own in a thread, so that it keeps forwarding
while the test blocks (a served gateway process, synchronous clients).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager


class TcpProxy:
    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream_host = upstream_host
        self.upstream_port = upstream_port
        self.port = _free_port()
        self.connections_accepted = 0
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()

    @property
    def is_cut(self) -> bool:
        return self._server is None

    async def start(self) -> None:
        self._server = await asyncio.start_server(
            self._accept, "127.0.0.1", self.port, reuse_address=True
        )

    async def cut(self) -> None:
        """Refuse new connections and break the open ones (the peer sees a reset)."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for writer in list(self._writers):
            _abort(writer)
        for task in list(self._pipes):
            task.cancel()
        await asyncio.gather(*self._pipes, return_exceptions=True)

    async def restore(self) -> None:
        if self._server is None:
            await self.start()

    async def close(self) -> None:
        await self.cut()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections_accepted += 1
        try:
            up_reader, up_writer = await asyncio.open_connection(
                self.upstream_host, self.upstream_port
            )
        except OSError:
            _abort(writer)
            return
        self._writers.update((writer, up_writer))
        pipes = {
            asyncio.create_task(_pipe(reader, up_writer)),
            asyncio.create_task(_pipe(up_reader, writer)),
        }
        self._pipes.update(pipes)
        try:
            await asyncio.wait(pipes, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in pipes:
                task.cancel()
            await asyncio.gather(*pipes, return_exceptions=True)
            self._pipes.difference_update(pipes)
            for w in (writer, up_writer):
                self._writers.discard(w)
                _abort(w)


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError, asyncio.IncompleteReadError):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()


def _abort(writer: asyncio.StreamWriter) -> None:
    transport = writer.transport
    if not transport.is_closing():
        transport.abort()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@asynccontextmanager
async def tcp_proxy(upstream_host: str, upstream_port: int) -> AsyncIterator[TcpProxy]:
    proxy = TcpProxy(upstream_host, upstream_port)
    await proxy.start()
    try:
        yield proxy
    finally:
        await proxy.close()


class ThreadedTcpProxy:
    """A `TcpProxy` on its own event loop; `cut()` and `restore()` return once done."""

    def __init__(self, proxy: TcpProxy, loop: asyncio.AbstractEventLoop) -> None:
        self.proxy = proxy
        self._loop = loop

    @property
    def port(self) -> int:
        return self.proxy.port

    def cut(self) -> None:
        asyncio.run_coroutine_threadsafe(self.proxy.cut(), self._loop).result(10)

    def restore(self) -> None:
        asyncio.run_coroutine_threadsafe(self.proxy.restore(), self._loop).result(10)


@contextmanager
def threaded_tcp_proxy(upstream_host: str, upstream_port: int) -> Iterator[ThreadedTcpProxy]:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="tcp-proxy", daemon=True)
    thread.start()
    proxy = TcpProxy(upstream_host, upstream_port)
    try:
        asyncio.run_coroutine_threadsafe(proxy.start(), loop).result(10)
        yield ThreadedTcpProxy(proxy, loop)
    finally:
        asyncio.run_coroutine_threadsafe(proxy.close(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
