"""A bounded load generator: concurrent httpx clients over loopback, with per-request figures."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx

Send = Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]


@dataclass(slots=True)
class LoadResult:
    latencies: list[float] = field(default_factory=list)
    statements: list[int] = field(default_factory=list)
    response_bytes: list[int] = field(default_factory=list)
    errors: int = 0
    first_error: str | None = None
    elapsed: float = 0.0
    client_cpu: float = 0.0
    # CPU seconds of the serving processes while the load ran (bench.cpu); None: not measured.
    gateway_cpu: float | None = None
    database_cpu: float | None = None

    @property
    def completed(self) -> int:
        return len(self.latencies) + self.errors

    @property
    def requests_per_second(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def percentile_ms(self, fraction: float) -> float | None:
        if not self.latencies:
            return None
        ordered = sorted(self.latencies)
        index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
        return ordered[index] * 1000

    @property
    def statements_per_request(self) -> float | None:
        return statistics.fmean(self.statements) if self.statements else None

    @property
    def kilobytes_per_response(self) -> float | None:
        return statistics.fmean(self.response_bytes) / 1024 if self.response_bytes else None

    def cpu_ms_per_request(self, seconds: float | None) -> float | None:
        """CPU milliseconds per request served (errors included: they were served too)."""
        if seconds is None or not self.completed:
            return None
        return seconds * 1000 / self.completed

    def record_error(self, message: str) -> None:
        self.errors += 1
        if self.first_error is None:
            self.first_error = message


def failure_of(response: httpx.Response) -> str | None:
    """Why a response does not count as a success, or None."""
    if response.status_code != 200:
        return f"HTTP {response.status_code}: {response.text[:300]}"
    # A substring test instead of parsing: a nested answer is ~300 KB of JSON and decoding
    # it would spend the client's share of the CPU.
    if b'"errors"' in response.content:
        return f"GraphQL errors: {response.text[:300]}"
    return None


async def run_load(
    client: httpx.AsyncClient,
    send: Send,
    *,
    concurrency: int,
    max_requests: int,
    duration: float,
) -> LoadResult:
    """Runs `concurrency` clients until `max_requests` are done or `duration` seconds pass."""
    result = LoadResult()
    budget = max_requests
    deadline = time.perf_counter() + duration

    async def one_client() -> None:
        nonlocal budget
        while budget > 0 and time.perf_counter() < deadline:
            budget -= 1
            started = time.perf_counter()
            try:
                response = await send(client)
            except httpx.HTTPError as exc:
                result.record_error(f"{type(exc).__name__}: {exc}")
                continue
            latency = time.perf_counter() - started
            problem = failure_of(response)
            if problem is not None:
                result.record_error(problem)
                continue
            result.latencies.append(latency)
            result.response_bytes.append(len(response.content))
            header = response.headers.get("x-sql-statements")
            if header is not None:
                result.statements.append(int(header))

    cpu_before = time.process_time()
    started = time.perf_counter()
    await asyncio.gather(*(one_client() for _ in range(concurrency)))
    result.elapsed = time.perf_counter() - started
    result.client_cpu = time.process_time() - cpu_before
    return result
