"""Spec validation, Druid expressions and JSON filters (translated SQL run on DuckDB)."""

from __future__ import annotations

from typing import Any

import duckdb
import pytest

from mauzo_olap_lite.errors import SpecError
from mauzo_olap_lite.ingest.expressions import expression_sql
from mauzo_olap_lite.ingest.filters import filter_sql
from mauzo_olap_lite.ingest.spec import parse_task


def _task(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "index_parallel",
        "spec": {
            "dataSchema": {"dataSource": "ds"},
            "ioConfig": {
                "type": "index_parallel",
                "inputSource": {"type": "inline", "data": ""},
                "inputFormat": {"type": "json"},
            },
        },
    }
    body.update(changes)
    return body


def test_defaults_follow_druids_documentation() -> None:
    task = parse_task(_task())
    schema = task.spec.data_schema
    assert (schema.timestamp_spec.column, schema.timestamp_spec.format) == ("timestamp", "auto")
    assert schema.granularity_spec.rollup is True
    assert schema.granularity_spec.segment_granularity == "day"
    assert task.spec.io_config.append_to_existing is False
    assert task.spec.tuning_config.parse_exception_limit == 2_147_483_647


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"type": "kill"}, "Could not resolve type id 'kill'"),
        (
            {
                "spec": {
                    "dataSchema": {"dataSource": "d"},
                    "ioConfig": {"firehose": {}, "inputSource": {}},
                }
            },
            "legacy",
        ),
        (
            {
                "spec": {
                    "dataSchema": {"dataSource": "d"},
                    "ioConfig": {
                        "inputSource": {"type": "local"},
                        "inputFormat": {"type": "json"},
                        "appendToExisting": True,
                        "dropExisting": True,
                    },
                }
            },
            "append",
        ),
        (
            {
                "spec": {
                    "dataSchema": {"dataSource": "d", "dimensionsSpec": {"dimensions": ["a", "a"]}},
                    "ioConfig": {"inputSource": {"type": "local"}, "inputFormat": {"type": "json"}},
                }
            },
            "duplicates",
        ),
        ("not an object", "JSON object"),
    ],
)
def test_invalid_specs_are_refused(body: Any, message: str) -> None:
    raw = _task(**body) if isinstance(body, dict) else body
    with pytest.raises(SpecError, match=message):
        parse_task(raw)


def _eval(sql: str, row: dict[str, Any]) -> Any:
    con = duckdb.connect()
    cols = ", ".join(f'? AS "{k}"' for k in row)
    return con.execute(f"SELECT {sql} FROM (SELECT {cols})", list(row.values())).fetchone()[0]  # type: ignore[index]


@pytest.mark.parametrize(
    ("expr", "row", "expected"),
    [
        ("concat('super-', animal)", {"animal": "lion"}, "super-lion"),
        ("number * 3", {"number": 100}, 300),
        ("1 + 2 * 3 ^ 2", {"x": 0}, 19),
        ("if(x > 1, 'big', 'small')", {"x": 5}, "big"),
        ("case_searched(x == 1, 'one', x == 2, 'two', 'many')", {"x": 2}, "two"),
        ("nvl(x, 'none')", {"x": None}, "none"),
        ("substring(s, 1, 2)", {"s": "abcdef"}, "bc"),
        ("strlen(upper(s))", {"s": "abc"}, 3),
        ("replace(lower(s), 'a', 'o')", {"s": "BANANA"}, "bonono"),
        ("x + 'y'", {"x": "a"}, "ay"),
        ("!(x == 1) && x < 10", {"x": 3}, True),
        ('"weird name" * 2', {"weird name": 4}, 8),
    ],
)
def test_expressions(expr: str, row: dict[str, Any], expected: Any) -> None:
    types = {k: ("VARCHAR" if isinstance(v, str) else "BIGINT") for k, v in row.items()}
    assert _eval(expression_sql(expr, types), row) == expected


def test_unknown_expression_function_is_refused() -> None:
    with pytest.raises(ValueError, match="Unsupported expression function"):
        expression_sql("javascript('1')")


@pytest.mark.parametrize(
    ("flt", "row", "expected"),
    [
        ({"type": "selector", "dimension": "a", "value": "x"}, {"a": "x"}, True),
        ({"type": "selector", "dimension": "a", "value": None}, {"a": None}, True),
        ({"type": "in", "dimension": "a", "values": ["x", "y"]}, {"a": "z"}, False),
        (
            {
                "type": "bound",
                "dimension": "n",
                "lower": "2",
                "upper": "10",
                "ordering": "numeric",
                "upperStrict": True,
            },
            {"n": 10},
            False,
        ),
        ({"type": "bound", "dimension": "a", "lower": "b"}, {"a": "c"}, True),
        ({"type": "like", "dimension": "a", "pattern": "ab%"}, {"a": "abc"}, True),
        ({"type": "regex", "dimension": "a", "pattern": "^[0-9]+$"}, {"a": "123"}, True),
        (
            {"type": "not", "field": {"type": "selector", "dimension": "a", "value": "x"}},
            {"a": "y"},
            True,
        ),
        (
            {
                "type": "and",
                "fields": [
                    {"type": "selector", "dimension": "a", "value": "x"},
                    {"type": "expression", "expression": "n > 1"},
                ],
            },
            {"a": "x", "n": 2},
            True,
        ),
        (
            {
                "type": "range",
                "column": "n",
                "matchValueType": "LONG",
                "lower": 1,
                "lowerOpen": True,
            },
            {"n": 1},
            False,
        ),
    ],
)
def test_filters(flt: dict[str, Any], row: dict[str, Any], expected: bool) -> None:
    types = {k: ("VARCHAR" if isinstance(v, str) else "BIGINT") for k, v in row.items()}
    assert bool(_eval(f"coalesce({filter_sql(flt, types)}, FALSE)", row)) is expected
