"""Multi-value string dimensions: CSV listDelimiter, multiValueHandling, and Druid SQL on them
(GROUP BY groups by each value; filters match a row when any value matches)."""

from __future__ import annotations

import contextlib
import uuid
from pathlib import Path
from typing import Any

import pytest

from mauzo_common.testing.components import wait_until
from mauzo_olap_lite.app import open_components
from mauzo_olap_lite.catalog import Column, ensure_table
from mauzo_olap_lite.database import transaction
from mauzo_olap_lite.settings import OlapLiteSettings

ROWS = (
    "ts,id,tags\n"
    "2024-01-01T00:00:00Z,r1,b|a|b\n"
    "2024-01-01T01:00:00Z,r2,c\n"
    "2024-01-01T02:00:00Z,r3,\n"
    "2024-01-01T03:00:00Z,r4,a|c\n"
)


def _load(
    druid: Any, make_spec: Any, ds: str, data: str, handling: str | None = None, **kw: Any
) -> dict[str, Any]:
    tags: dict[str, Any] = {"type": "string", "name": "tags"}
    if handling:
        tags["multiValueHandling"] = handling
    body = make_spec(
        ds,
        {"type": "inline", "data": data},
        input_format={"type": "csv", "findColumnsFromHeader": True, "listDelimiter": "|"},
        timestamp={"column": "ts", "format": "iso"},
        dimensions=["id", tags],
        tuning={"maxParseExceptions": 0},
        **kw,
    )
    status: dict[str, Any] = druid.run(body)
    return status


@pytest.mark.parametrize(
    ("handling", "expected"),
    [
        (None, '["a","b","b"]'),
        ("sorted_array", '["a","b","b"]'),
        ("SORTED_SET", '["a","b"]'),
        ("array", '["b","a","b"]'),
    ],
)
def test_list_delimiter_splits_values_under_multi_value_handling(
    druid: Any, make_spec: Any, unique_name: str, handling: str | None, expected: str
) -> None:
    assert _load(druid, make_spec, unique_name, ROWS, handling)["statusCode"] == "SUCCESS"
    rows = druid.sql(f'SELECT id, tags FROM "{unique_name}" ORDER BY id')
    assert rows[0] == {"id": "r1", "tags": expected.replace(",", ", ")}
    assert rows[1]["tags"] == '["c"]'
    assert rows[2]["tags"] is None


def test_unknown_multi_value_handling_is_refused(
    druid: Any, make_spec: Any, unique_name: str
) -> None:
    tags = {"type": "string", "name": "tags", "multiValueHandling": "shuffle"}
    body = make_spec(unique_name, {"type": "inline", "data": ROWS}, dimensions=[tags])
    response = druid.http.post("/druid/indexer/v1/task", json=body)
    assert response.status_code == 400
    assert "MultiValueHandling" in response.json()["error"]


def test_group_by_a_multi_value_dimension_groups_by_each_value(
    druid: Any, make_spec: Any, unique_name: str
) -> None:
    _load(druid, make_spec, unique_name, ROWS)
    ds = f'"{unique_name}"'
    rows = druid.sql(f"SELECT tags, COUNT(*) AS n FROM {ds} GROUP BY tags ORDER BY tags")
    assert rows == [
        {"tags": None, "n": 1},
        {"tags": "a", "n": 2},
        {"tags": "b", "n": 2},  # sorted_array keeps the duplicate: r1 counts twice in "b"
        {"tags": "c", "n": 2},
    ]
    by_position = druid.sql(f"SELECT tags AS t, COUNT(*) AS n FROM {ds} GROUP BY 1 ORDER BY 1")
    assert [r["t"] for r in by_position] == [None, "a", "b", "c"]


def test_filter_matches_any_value_and_grouping_shows_every_value_of_matching_rows(
    druid: Any, make_spec: Any, unique_name: str
) -> None:
    _load(druid, make_spec, unique_name, ROWS, "sorted_set")
    ds = f'"{unique_name}"'
    assert druid.sql(f"SELECT id FROM {ds} WHERE tags = 'a' ORDER BY id") == [
        {"id": "r1"},
        {"id": "r4"},
    ]
    grouped = druid.sql(
        f"SELECT tags, COUNT(*) AS n FROM {ds} WHERE tags = ? GROUP BY tags ORDER BY tags",
        ("VARCHAR", "c"),
    )
    assert grouped == [{"tags": "a", "n": 1}, {"tags": "c", "n": 2}]
    assert druid.sql(f"SELECT id FROM {ds} WHERE tags IN ('b', 'x')") == [{"id": "r1"}]
    assert druid.sql(f"SELECT id FROM {ds} WHERE tags IS NULL") == [{"id": "r3"}]
    assert druid.sql(f"SELECT id FROM {ds} WHERE tags LIKE 'c%' ORDER BY id") == [
        {"id": "r2"},
        {"id": "r4"},
    ]


def test_multi_value_functions(druid: Any, make_spec: Any, unique_name: str) -> None:
    _load(druid, make_spec, unique_name, ROWS, "array")
    ds = f'"{unique_name}"'
    rows = druid.sql(
        f"SELECT id, MV_LENGTH(tags) AS n, MV_OFFSET(tags, 0) AS first_tag, "
        f"MV_TO_STRING(tags, ';') AS s FROM {ds} WHERE MV_CONTAINS(tags, 'a') ORDER BY id"
    )
    assert rows == [
        {"id": "r1", "n": 3, "first_tag": "b", "s": "b;a;b"},
        {"id": "r4", "n": 2, "first_tag": "a", "s": "a;c"},
    ]
    overlap = druid.sql(f"SELECT COUNT(*) AS n FROM {ds} WHERE MV_OVERLAP(tags, ARRAY['c', 'z'])")
    assert overlap == [{"n": 2}]


def test_single_values_appended_to_a_multi_value_column_become_one_value_rows(
    druid: Any, make_spec: Any, unique_name: str
) -> None:
    _load(druid, make_spec, unique_name, ROWS)
    later = "ts,id,tags\n2024-01-02T00:00:00Z,r5,a\n"
    assert _load(druid, make_spec, unique_name, later, append=True)["statusCode"] == "SUCCESS"
    rows = druid.sql(
        f"SELECT tags, COUNT(*) AS n FROM \"{unique_name}\" WHERE tags = 'a' GROUP BY 1"
    )
    assert {r["tags"]: r["n"] for r in rows} == {"a": 3, "b": 2, "c": 1}


def test_native_group_by_and_filter_on_a_multi_value_dimension_equal_sql(
    druid: Any, make_spec: Any, unique_name: str
) -> None:
    assert _load(druid, make_spec, unique_name, ROWS)["statusCode"] == "SUCCESS"

    def native(query: dict[str, Any]) -> Any:
        body = {"dataSource": unique_name, "intervals": ["2024-01-01/2024-01-02"], **query}
        response = druid.http.post("/druid/v2", json=body)
        assert response.status_code == 200, response.text
        return response.json()

    grouped = native(
        {
            "queryType": "groupBy",
            "granularity": "all",
            "dimensions": ["tags"],
            "aggregations": [{"type": "count", "name": "n"}],
        }
    )
    expected = druid.sql(
        f'SELECT tags, COUNT(*) FROM "{unique_name}" GROUP BY tags ORDER BY tags',
        resultFormat="array",
    )
    assert [[r["event"]["tags"], r["event"]["n"]] for r in grouped] == expected
    filtered = native(
        {
            "queryType": "topN",
            "granularity": "all",
            "dimension": "tags",
            "metric": {"type": "dimension"},
            "threshold": 10,
            "filter": {"type": "selector", "dimension": "tags", "value": "a"},
            "aggregations": [{"type": "count", "name": "n"}],
        }
    )
    expected = druid.sql(
        f"SELECT tags, COUNT(*) FROM \"{unique_name}\" WHERE tags = 'a' GROUP BY tags "
        "ORDER BY tags",
        resultFormat="array",
    )
    assert [[r["tags"], r["n"]] for r in filtered[0]["result"]] == expected
    (row,) = native(
        {
            "queryType": "timeseries",
            "granularity": "all",
            "aggregations": [{"type": "cardinality", "name": "distinct", "fields": ["tags"]}],
        }
    )
    assert row["result"]["distinct"] == 3


def test_a_micro_batch_that_makes_a_column_multi_value_leaves_no_stale_sql(
    make_spec: Any, tmp_path: Path
) -> None:
    """A stream's micro-batches (every fraction of a second) keep the SQL already translated for
    their datasource, unless one made a column multi-value: the same query text must then
    match any of a row's values."""
    components = open_components(OlapLiteSettings(data_dir=tmp_path))
    try:
        single = "ts,id,tags\n2024-01-01T00:00:00Z,r1,a\n"
        body = make_spec(
            "sales",
            {"type": "inline", "data": single},
            input_format={"type": "csv", "findColumnsFromHeader": True},
            timestamp={"column": "ts", "format": "iso"},
            dimensions=["id", "tags"],
        )
        components.tasks.submit(body)
        query = {"query": "SELECT COUNT(*) AS n FROM \"sales\" WHERE tags = 'a'"}

        def matching() -> list[Any]:
            ctx = components.sql.context(query)
            return [list(r) for r in components.sql.execute(query, ctx, uuid.uuid4().hex).rows]

        def loaded() -> bool:
            with contextlib.suppress(Exception):
                return matching() == [[1]]
            return False

        wait_until(loaded, 30, "the task's row")
        # What a micro-batch bringing ["a", "b"] does: the column widens, the row goes in.
        cur = components.db.cursor()
        with components.db.write_lock, transaction(cur):
            ensure_table(cur, "sales", [Column("tags", "dimension", "VARCHAR[]")])
            cur.execute(
                "INSERT INTO sales (__time, id, tags) "
                "VALUES (TIMESTAMP '2024-01-01 01:00:00', 'r2', ['b', 'a'])"
            )
        cur.close()
        components.sql.appended("sales")
        assert matching() == [[2]]
    finally:
        components.tasks.close()
        components.db.close()
