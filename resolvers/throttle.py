"""Throttling failed sign-ins, per account and per client address, across gateway processes.

Counters live in the `limits` library's storage named by `SCAIGATE_RATE_LIMIT_STORAGE`:
`memory://` keeps them in the process (the embedded, single-process default), `redis://…`
shares them between every gateway process. Both use the moving-window strategy.

- **Per account** (e-mail address within a tenant): an attempt first *reserves* a slot,
  atomically in the storage, and only then is the password checked; a success clears the
  account's slots. So the limit counts failures since the last success, and no number of
  attempts sent at once gets more than the limit past it.
- **Per address**: only failures count (a success from a shared office address must not
  lock its colleagues out); the count is checked before and added to after the attempt, so
  attempts already in flight when the limit is reached are still answered.

A throttled attempt reserves nothing and checks no password.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.aio.storage import Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from core.settings import RATE_LIMIT_SCHEMES


def async_storage_uri(uri: str) -> str:
    """`redis://h:6379/0` → `async+redis://h:6379/0`, the asyncio variant of the storage."""
    scheme, separator, rest = uri.partition("://")
    scheme = scheme.lower().removeprefix("async+")
    if not separator or scheme not in RATE_LIMIT_SCHEMES:
        raise ValueError(f"unsupported rate-limit storage {uri!r}: use memory:// or redis://…")
    return f"async+{scheme}://{rest}"


@dataclass(frozen=True, slots=True)
class ThrottleLimits:
    failures_per_account: int
    failures_per_address: int
    window_seconds: int


class SignInThrottle:
    def __init__(self, storage_uri: str, limits: ThrottleLimits, *, key_prefix: str) -> None:
        storage = storage_from_string(async_storage_uri(storage_uri), key_prefix=key_prefix)
        assert isinstance(storage, Storage)
        self.storage: Storage = storage
        self.limiter = MovingWindowRateLimiter(storage)
        self.account = RateLimitItemPerSecond(
            limits.failures_per_account, limits.window_seconds, namespace="sign-in-account"
        )
        self.address = RateLimitItemPerSecond(
            limits.failures_per_address, limits.window_seconds, namespace="sign-in-address"
        )

    async def reserve(self, *, accounts: Sequence[str], address: str | None) -> int | None:
        """Takes one slot of each account for this attempt, or says how long to wait.

        Returns None when the attempt may go ahead, else the seconds until it could.
        """
        if address is not None and not await self.limiter.test(self.address, address):
            return await self._wait(self.address, address)
        for account in accounts:
            if not await self.limiter.hit(self.account, account):
                return await self._wait(self.account, account)
        return None

    async def failed(self, *, address: str | None) -> None:
        """The attempt failed: the accounts' slots stay taken; the address counts one."""
        if address is not None:
            await self.limiter.hit(self.address, address)

    async def succeeded(self, *, accounts: Sequence[str]) -> None:
        """The account proved itself: its earlier failures no longer count."""
        for account in accounts:
            await self.limiter.clear(self.account, account)

    async def reset(self) -> None:
        """Forgets every counter (tests; an operator clearing a lock-out uses the storage)."""
        await self.storage.reset()

    async def _wait(self, item: RateLimitItem, identifier: str) -> int:
        stats = await self.limiter.get_window_stats(item, identifier)
        return max(1, math.ceil(stats.reset_time - time.time()))


def account_key(tenant: str, email: str) -> str:
    return f"{tenant}:{email}"
