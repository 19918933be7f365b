"""Result caches: in-process TTL/LRU by default, Redis when MAUZO_REDIS_URL is set.

Entries are keyed by the normalised question (SQL text + bound values, see `cache_key`) and
grouped per datasource, so an `IngestionCompleted` for one datasource drops exactly its entries.
A cache failure never fails a query: Redis errors are logged and read as a miss.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import OrderedDict
from typing import Any, Protocol

import structlog

from mauzo_query_api.olap.client import Row, SqlQuery

log = structlog.get_logger(__name__)

KEY_PREFIX = "mauzo:query-api:v1"


def cache_key(query: SqlQuery) -> str:
    """The scope's condition is in the text and parameters already; its key is added anyway,
    so two scopes can never share an entry, whatever a statement builder does."""
    scope = query.scope.key if query.scope is not None else None
    material = json.dumps(
        [
            query.datasource,
            " ".join(query.text.split()),
            [p.as_json() for p in query.params],
            scope,
        ],
        separators=(",", ":"),
        sort_keys=True,
    )
    return hashlib.sha256(material.encode()).hexdigest()


class ResultCache(Protocol):
    async def get(self, datasource: str, key: str) -> list[Row] | None: ...

    async def put(
        self, datasource: str, key: str, rows: list[Row], ttl: float | None = None
    ) -> None: ...

    async def invalidate(self, datasource: str) -> int: ...

    async def close(self) -> None: ...


class MemoryCache:
    def __init__(self, *, ttl_seconds: float, max_entries: int) -> None:
        self.ttl = ttl_seconds
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple[str, str], tuple[float, list[Row]]] = OrderedDict()

    async def get(self, datasource: str, key: str) -> list[Row] | None:
        entry = self._entries.get((datasource, key))
        if entry is None:
            return None
        if time.monotonic() >= entry[0]:
            del self._entries[(datasource, key)]
            return None
        self._entries.move_to_end((datasource, key))
        return entry[1]

    async def put(
        self, datasource: str, key: str, rows: list[Row], ttl: float | None = None
    ) -> None:
        if self.ttl <= 0:
            return
        self._entries[(datasource, key)] = (time.monotonic() + (ttl or self.ttl), rows)
        self._entries.move_to_end((datasource, key))
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    async def invalidate(self, datasource: str) -> int:
        doomed = [k for k in self._entries if k[0] == datasource]
        for k in doomed:
            del self._entries[k]
        return len(doomed)

    async def close(self) -> None:
        self._entries.clear()


def _glob_escape(text: str) -> str:
    return "".join("\\" + ch if ch in "*?[]\\" else ch for ch in text)


class RedisCache:
    def __init__(self, url: str, *, ttl_seconds: float) -> None:
        from redis.asyncio import Redis

        self.redis: Any = Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.ttl_ms = int(ttl_seconds * 1000)

    @staticmethod
    def _key(datasource: str, key: str) -> str:
        return f"{KEY_PREFIX}:{datasource}:{key}"

    async def get(self, datasource: str, key: str) -> list[Row] | None:
        try:
            raw = await self.redis.get(self._key(datasource, key))
        except Exception as exc:
            log.warning("cache_read_failed", error=repr(exc))
            return None
        if raw is None:
            return None
        rows: list[Row] = json.loads(raw)
        return rows

    async def put(
        self, datasource: str, key: str, rows: list[Row], ttl: float | None = None
    ) -> None:
        if self.ttl_ms <= 0:
            return
        px = int(ttl * 1000) if ttl else self.ttl_ms
        try:
            await self.redis.set(self._key(datasource, key), json.dumps(rows), px=px)
        except Exception as exc:
            log.warning("cache_write_failed", error=repr(exc))

    async def invalidate(self, datasource: str) -> int:
        pattern = f"{_glob_escape(f'{KEY_PREFIX}:{datasource}:')}*"
        removed = 0
        batch: list[bytes] = []
        async for found in self.redis.scan_iter(match=pattern, count=500):
            batch.append(found)
            if len(batch) >= 500:
                removed += await self.redis.unlink(*batch)
                batch = []
        if batch:
            removed += await self.redis.unlink(*batch)
        return removed

    async def close(self) -> None:
        await self.redis.aclose()
