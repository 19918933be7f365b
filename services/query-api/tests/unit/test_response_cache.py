"""Response-cache keys: normalised queries, only read-only documents; invalidation by source."""

from __future__ import annotations

import json

from mauzo_common.auth.principal import Principal, Role
from mauzo_query_api.olap.response_cache import (
    ResponseCache,
    ResponseTags,
    audience_key,
    request_key,
)

VIEWER = audience_key(Principal("v", Role.VIEWER))


def body(query: str, variables: dict[str, object] | None = None) -> bytes:
    return json.dumps({"query": query, "variables": variables}).encode()


def key(payload: bytes, audience: str = VIEWER) -> str | None:
    return request_key(payload, audience)


def test_layout_and_comments_do_not_change_the_key() -> None:
    a = key(body("{ salesOverview { netSales } }"))
    b = key(body("query {\n  salesOverview {\n netSales # total\n } }"))
    assert a is not None
    assert a == b


def test_spaces_inside_string_values_are_kept_apart() -> None:
    one = '{ salesOverview(filter: {products: ["A  B"]}) { netSales } }'
    two = '{ salesOverview(filter: {products: ["A B"]}) { netSales } }'
    assert key(body(one)) != key(body(two))


def test_variables_are_part_of_the_key_in_any_order() -> None:
    q = "query($a: Int, $b: Int) { dataRange { rowCount } }"
    assert key(body(q, {"a": 1, "b": 2})) == key(body(q, {"b": 2, "a": 1}))
    assert key(body(q, {"a": 1})) != key(body(q, {"a": 2}))


def test_mutations_and_broken_requests_have_no_key() -> None:
    assert key(body("mutation { uploadSalesData(file: null) { taskId } }")) is None
    assert key(body("{ broken")) is None
    assert key(b"not json") is None


def test_each_role_and_branch_scope_has_its_own_key() -> None:
    """A scoped viewer never gets another scope's (or an unscoped) cached answer, nor a viewer
    an admin's: the field-level role checks do not run on a cached answer."""
    q = body("{ salesOverview { netSales } }")
    audiences = [
        audience_key(Principal("a", Role.VIEWER)),
        audience_key(Principal("b", Role.VIEWER, branches=frozenset({"Nairobi"}))),
        audience_key(Principal("c", Role.VIEWER, branches=frozenset({"Nairobi", "Mombasa"}))),
        audience_key(Principal("d", Role.VIEWER, branches=frozenset())),
        audience_key(Principal("e", Role.ADMIN)),
        audience_key(Principal("f", Role.ADMIN, kind="service")),
    ]
    assert len({key(q, a) for a in audiences}) == len(audiences)
    # The same scope given in another order, or by another user, shares the entry.
    same = audience_key(Principal("z", Role.VIEWER, branches=frozenset({"Mombasa", "Nairobi"})))
    assert key(q, same) == key(q, audiences[2])


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
