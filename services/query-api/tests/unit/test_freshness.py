"""Answers over a streamed datasource are kept only briefly; every other answer the usual TTL."""

from __future__ import annotations

import asyncio
import time

from mauzo_query_api.olap.freshness import Freshness
from mauzo_query_api.olap.response_cache import ResponseCache, ResponseTags
from mauzo_query_api.olap.result_cache import MemoryCache


def test_streamed_datasources_and_any_datasource_answers_get_the_stream_ttl() -> None:
    freshness = Freshness(ttl_seconds=300, stream_ttl_seconds=1)
    assert freshness.ttl_for(["sales"]) == 300
    assert freshness.ttl_for(["*"]) == 300  # nothing streams yet
    freshness.add_streams(["tills"])
    assert freshness.ttl_for(["sales"]) == 300
    assert freshness.ttl_for(["sales", "tills"]) == 1
    assert freshness.ttl_for(["*"]) == 1


async def test_a_result_put_with_a_short_ttl_expires_while_others_stay() -> None:
    cache = MemoryCache(ttl_seconds=60, max_entries=10)
    await cache.put("tills", "k", [{"n": 1}], 0.05)
    await cache.put("sales", "k", [{"n": 2}])
    await asyncio.sleep(0.06)
    assert await cache.get("tills", "k") is None
    assert await cache.get("sales", "k") == [{"n": 2}]


def test_a_response_that_read_a_streamed_datasource_expires_soon() -> None:
    freshness = Freshness(ttl_seconds=60, stream_ttl_seconds=0.05)
    freshness.add_streams(["tills"])
    cache = ResponseCache(ttl_seconds=60, max_entries=10, freshness=freshness)
    cache.put("a", b"A", ResponseTags({"tills"}), cache.generation)
    cache.put("b", b"B", ResponseTags({"sales"}), cache.generation)
    time.sleep(0.06)
    assert cache.get("a") is None
    assert cache.get("b") == b"B"
