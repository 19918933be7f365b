import time

from mauzo_query_api.olap.client import Param, SqlQuery
from mauzo_query_api.olap.result_cache import MemoryCache, cache_key


def test_cache_key_ignores_whitespace_but_not_values() -> None:
    a = SqlQuery("SELECT 1\n  FROM t WHERE x = ?", (Param("VARCHAR", "a"),), "t")
    b = SqlQuery("SELECT 1 FROM t WHERE x = ?", (Param("VARCHAR", "a"),), "t")
    c = SqlQuery("SELECT 1 FROM t WHERE x = ?", (Param("VARCHAR", "b"),), "t")
    assert cache_key(a) == cache_key(b)
    assert cache_key(b) != cache_key(c)


async def test_memory_cache_invalidates_one_datasource_only() -> None:
    cache = MemoryCache(ttl_seconds=60, max_entries=10)
    await cache.put("sales", "k1", [{"a": 1}])
    await cache.put("other", "k1", [{"a": 2}])
    assert await cache.invalidate("sales") == 1
    assert await cache.get("sales", "k1") is None
    assert await cache.get("other", "k1") == [{"a": 2}]


async def test_memory_cache_entries_expire() -> None:
    cache = MemoryCache(ttl_seconds=0.05, max_entries=10)
    await cache.put("sales", "k", [])
    assert await cache.get("sales", "k") == []
    deadline = time.monotonic() + 2
    while await cache.get("sales", "k") is not None:
        assert time.monotonic() < deadline


async def test_memory_cache_evicts_least_recently_used() -> None:
    cache = MemoryCache(ttl_seconds=60, max_entries=2)
    await cache.put("s", "a", [])
    await cache.put("s", "b", [])
    await cache.get("s", "a")
    await cache.put("s", "c", [])
    assert await cache.get("s", "b") is None
    assert await cache.get("s", "a") == []
