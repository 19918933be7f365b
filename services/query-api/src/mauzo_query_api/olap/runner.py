"""Runs SQL through the cache, merging identical in-flight queries into one OLAP call.

A per-datasource generation guards against a race: a result that was being computed while the
datasource was invalidated is returned to its callers but never stored.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict

import structlog

from mauzo_common.observability import metrics
from mauzo_query_api.olap.client import DruidSqlClient, Row, SqlQuery
from mauzo_query_api.olap.freshness import Freshness
from mauzo_query_api.olap.result_cache import ResultCache, cache_key

log = structlog.get_logger(__name__)

RESULT_HITS = metrics.cache_requests.labels("result", "hit")
RESULT_MISSES = metrics.cache_requests.labels("result", "miss")


class QueryRunner:
    def __init__(
        self, olap: DruidSqlClient, cache: ResultCache, freshness: Freshness | None = None
    ) -> None:
        self.olap = olap
        self.cache = cache
        self.freshness = freshness
        self._inflight: dict[str, asyncio.Future[list[Row]]] = {}
        self._generation: defaultdict[str, int] = defaultdict(int)
        self.olap_calls = 0

    async def rows(self, query: SqlQuery, request_id: str) -> list[Row]:
        key = cache_key(query)
        cached = await self.cache.get(query.datasource, key)
        if cached is not None:
            RESULT_HITS.inc()
            return cached
        RESULT_MISSES.inc()
        pending = self._inflight.get(key)
        if pending is None:
            pending = asyncio.ensure_future(self._load(query, key, request_id))
            self._inflight[key] = pending
            pending.add_done_callback(lambda _: self._inflight.pop(key, None))
        return await asyncio.shield(pending)

    async def _load(self, query: SqlQuery, key: str, request_id: str) -> list[Row]:
        generation = self._generation[query.datasource]
        self.olap_calls += 1
        started = time.perf_counter()
        outcome = "error"
        try:
            rows = await self.olap.execute(query, request_id)
            outcome = "ok"
        finally:
            metrics.olap_query_duration.labels(outcome).observe(time.perf_counter() - started)
        if self._generation[query.datasource] == generation:
            ttl = self.freshness.ttl_for([query.datasource]) if self.freshness else None
            await self.cache.put(query.datasource, key, rows, ttl)
        return rows

    async def invalidate(self, datasource: str) -> int:
        self._generation[datasource] += 1
        removed = await self.cache.invalidate(datasource)
        log.info("cache_invalidated", datasource=datasource, entries=removed)
        return removed
