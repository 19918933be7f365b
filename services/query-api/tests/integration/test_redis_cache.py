"""The Redis result cache against the real Redis on 127.0.0.1:6379."""

from __future__ import annotations

import uuid

import pytest

from mauzo_common.testing.components import port_open
from mauzo_query_api.olap.result_cache import RedisCache


@pytest.fixture
def redis_url() -> str:
    if not port_open(6379):
        pytest.skip("Redis is not listening on 127.0.0.1:6379")
    return "redis://127.0.0.1:6379/0"


async def test_entries_round_trip_and_are_dropped_per_datasource(redis_url: str) -> None:
    cache = RedisCache(redis_url, ttl_seconds=60)
    mine, other = f"ds_{uuid.uuid4().hex[:8]}", f"ds_{uuid.uuid4().hex[:8]}"
    try:
        rows = [{"k0": "Mombasa", "gross_revenue": 12.5, "bucket": "2024-01-01T00:00:00.000Z"}]
        await cache.put(mine, "a", rows)
        await cache.put(mine, "b", [])
        await cache.put(other, "a", [{"x": None}])
        assert await cache.get(mine, "a") == rows
        assert await cache.invalidate(mine) == 2
        assert await cache.get(mine, "a") is None
        assert await cache.get(other, "a") == [{"x": None}]
    finally:
        await cache.invalidate(other)
        await cache.close()


async def test_glob_characters_in_a_datasource_name_do_not_widen_invalidation(
    redis_url: str,
) -> None:
    cache = RedisCache(redis_url, ttl_seconds=60)
    suffix = uuid.uuid4().hex[:8]
    try:
        await cache.put(f"sales_{suffix}", "a", [])
        assert await cache.invalidate(f"sa*_{suffix}") == 0
        assert await cache.get(f"sales_{suffix}", "a") == []
    finally:
        await cache.invalidate(f"sales_{suffix}")
        await cache.close()


async def test_an_unreachable_redis_reads_as_a_miss() -> None:
    cache = RedisCache("redis://127.0.0.1:1/0", ttl_seconds=60)
    try:
        assert await cache.get("sales", "a") is None
        await cache.put("sales", "a", [])  # logged, not raised
    finally:
        await cache.close()
