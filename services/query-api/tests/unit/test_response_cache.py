"""Response-cache keys: normalised queries, only read-only documents; invalidation by source."""

from __future__ import annotations

import json

from mauzo_query_api.olap.response_cache import ResponseCache, ResponseTags, request_key


def body(query: str, variables: dict[str, object] | None = None) -> bytes:
    return json.dumps({"query": query, "variables": variables}).encode()


def test_layout_and_comments_do_not_change_the_key() -> None:
    a = request_key(body("{ salesOverview { netSales } }"))
    b = request_key(body("query {\n  salesOverview {\n netSales # total\n } }"))
    assert a is not None
    assert a == b


def test_spaces_inside_string_values_are_kept_apart() -> None:
    one = '{ salesOverview(filter: {products: ["A  B"]}) { netSales } }'
    two = '{ salesOverview(filter: {products: ["A B"]}) { netSales } }'
    assert request_key(body(one)) != request_key(body(two))


def test_variables_are_part_of_the_key_in_any_order() -> None:
    q = "query($a: Int, $b: Int) { dataRange { rowCount } }"
    assert request_key(body(q, {"a": 1, "b": 2})) == request_key(body(q, {"b": 2, "a": 1}))
    assert request_key(body(q, {"a": 1})) != request_key(body(q, {"a": 2}))


def test_mutations_and_broken_requests_have_no_key() -> None:
    assert request_key(body("mutation { uploadSalesData(file: null) { taskId } }")) is None
    assert request_key(body("{ broken")) is None
    assert request_key(b"not json") is None


def test_entries_are_dropped_per_datasource_and_never_stored_after_a_race() -> None:
    cache = ResponseCache(ttl_seconds=60, max_entries=10)
    cache.put("k1", b"one", ResponseTags({"sales"}), cache.generation)
    cache.put("k2", b"two", ResponseTags({"other"}), cache.generation)
    cache.put("k3", b"three", ResponseTags({"*"}), cache.generation)
    cache.put("k4", b"four", ResponseTags({"sales"}, cacheable=False), cache.generation)
    assert cache.invalidate("sales") == 2
    assert (cache.get("k1"), cache.get("k2"), cache.get("k3"), cache.get("k4")) == (
        None,
        b"two",
        None,
        None,
    )
    stale = cache.generation - 1
    cache.put("k5", b"late", ResponseTags({"other"}), stale)
    assert cache.get("k5") is None
