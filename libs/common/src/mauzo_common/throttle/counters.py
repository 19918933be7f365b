"""Counters in the `limits` storage the settings name, and the refusal when one runs out.

Rates use the moving window (no burst of twice the rate at a window's edge); quotas, whose cost
is bytes, use the fixed window: a moving window keeps one timestamp per unit of cost.
A storage that fails (Redis down) lets requests through and says so in the log: the limiter
guards the services, it must not become the reason they are all down.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import structlog
from limits import RateLimitItem, parse_many
from limits.aio.storage import Storage
from limits.aio.strategies import (
    FixedWindowRateLimiter,
    MovingWindowRateLimiter,
    RateLimiter,
)
from limits.errors import StorageError
from limits.storage import storage_from_string

from mauzo_common.errors import RateLimited

log = structlog.get_logger(__name__)


def open_storage(uri: str) -> Storage:
    """`memory://` or `redis://...` as in the settings; the async variant of each."""
    scheme = uri.split("://", 1)[0]
    if scheme.startswith("async+"):
        uri = uri.removeprefix("async+")
        scheme = scheme.removeprefix("async+")
    if scheme in ("redis", "rediss", "redis+unix"):
        # redis-py is already a dependency; limits' default client for async Redis is coredis.
        storage = storage_from_string(
            f"async+{uri}", implementation="redispy", wrap_exceptions=True
        )
    else:
        storage = storage_from_string(f"async+{uri}", wrap_exceptions=True)
    assert isinstance(storage, Storage)
    return storage


def rates(text: str) -> list[RateLimitItem]:
    return list(parse_many(text))


@dataclass(frozen=True)
class Used:
    """What a refused counter stood at: for messages that say what the quota is."""

    limit: RateLimitItem
    remaining: int
    reset_at: float

    @property
    def retry_after(self) -> int:
        return max(1, math.ceil(self.reset_at - time.time()))


class Counters:
    def __init__(self, storage: Storage, *, fixed: bool = False) -> None:
        self.storage = storage
        self.strategy: RateLimiter = (
            FixedWindowRateLimiter(storage) if fixed else MovingWindowRateLimiter(storage)
        )

    @classmethod
    def from_uri(cls, uri: str, *, fixed: bool = False) -> Counters:
        return cls(open_storage(uri), fixed=fixed)

    async def hit(self, limits: Sequence[RateLimitItem], key: str, cost: int = 1) -> Used | None:
        """Spend `cost` on every limit; the first limit that has not enough left, or None."""
        try:
            for limit in limits:
                if not await self.strategy.hit(limit, key, cost=cost):
                    return await self.used(limit, key)
        except StorageError as exc:
            log.warning("rate_limit_storage_failed", error=str(exc))
        return None

    async def fits(self, limit: RateLimitItem, key: str, cost: int) -> Used | None:
        """None when `cost` still fits in `limit`, else where it stands (nothing is spent)."""
        try:
            if await self.strategy.test(limit, key, cost=cost):
                return None
            return await self.used(limit, key)
        except StorageError as exc:
            log.warning("rate_limit_storage_failed", error=str(exc))
            return None

    async def used(self, limit: RateLimitItem, key: str) -> Used:
        stats = await self.strategy.get_window_stats(limit, key)
        return Used(limit, max(0, stats.remaining), stats.reset_time)


def window(limit: RateLimitItem) -> str:
    name = limit.GRANULARITY.name
    return f"{limit.multiples} {name}s" if limit.multiples > 1 else name


def too_many(used: Used, who: str, setting: str = "MAUZO_RATE_LIMIT_<ROLE>") -> RateLimited:
    return RateLimited(
        f"Too many requests from {who}: the limit is {used.limit.amount} per {window(used.limit)}.",
        retry_after=used.retry_after,
        hint=f"Wait {used.retry_after} s and retry; the limit is the setting {setting}.",
    )
