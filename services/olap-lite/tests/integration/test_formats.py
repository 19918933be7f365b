"""Input formats beyond Parquet: compressed CSV, TSV, JSON with flattenSpec, inline data, and the
schemaless / schema-discovery dimension modes."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any


def _load(
    druid: Any, make_spec: Any, ds: str, source: dict[str, Any], fmt: dict[str, Any], **kw: Any
) -> None:
    body = make_spec(
        ds,
        source,
        input_format=fmt,
        timestamp={"column": "ts", "format": "auto"},
        tuning={"maxParseExceptions": 0},
        **kw,
    )
    status = druid.run(body)
    assert status["statusCode"] == "SUCCESS", status


def test_gzipped_csv_by_extension(
    druid: Any, make_spec: Any, tmp_path: Path, unique_name: str
) -> None:
    path = tmp_path / "d.csv.gz"
    path.write_bytes(gzip.compress(b"ts,k\n2024-01-01,a\n2024-01-02,b\n"))
    _load(
        druid,
        make_spec,
        unique_name,
        {"type": "local", "files": [str(path)]},
        {"type": "csv", "findColumnsFromHeader": True},
        dimensions=["k"],
    )
    assert druid.sql(f'SELECT k FROM "{unique_name}" ORDER BY k') == [{"k": "a"}, {"k": "b"}]


def test_tsv_with_columns_and_skipped_header_rows(
    druid: Any, make_spec: Any, tmp_path: Path, unique_name: str
) -> None:
    path = tmp_path / "d.tsv"
    path.write_text("junk line\n2024-01-01|x|1\n")
    _load(
        druid,
        make_spec,
        unique_name,
        {"type": "local", "files": [str(path)]},
        {"type": "tsv", "delimiter": "|", "columns": ["ts", "k", "n"], "skipHeaderRows": 1},
        dimensions=["k", {"type": "long", "name": "n"}],
    )
    assert druid.sql(f'SELECT k, n FROM "{unique_name}"') == [{"k": "x", "n": 1}]


def test_inline_json_with_flatten_spec(druid: Any, make_spec: Any, unique_name: str) -> None:
    data = (
        '{"ts":"2024-01-01T00:00:00Z","user":{"id":"u1"},"n":2}\n'
        '{"ts":"2024-01-02","user":{"id":"u2"}}'
    )
    _load(
        druid,
        make_spec,
        unique_name,
        {"type": "inline", "data": data},
        {
            "type": "json",
            "flattenSpec": {"fields": [{"type": "path", "name": "uid", "expr": "$.user.id"}]},
        },
        dimensions=["uid", {"type": "long", "name": "n"}],
    )
    assert druid.sql(f'SELECT uid, n FROM "{unique_name}" ORDER BY __time') == [
        {"uid": "u1", "n": 2},
        {"uid": "u2", "n": None},
    ]


def test_schemaless_makes_every_other_field_a_string(
    druid: Any, make_spec: Any, tmp_path: Path, unique_name: str
) -> None:
    data = '{"ts":"2024-01-01","a":"x","b":5,"skip":1}'
    _load(
        druid,
        make_spec,
        unique_name,
        {"type": "inline", "data": data},
        {"type": "json"},
        dimensions=[],
    )
    cols = druid.sql(
        "SELECT COLUMN_NAME, DATA_TYPE FROM INFORMATION_SCHEMA.COLUMNS "
        "WHERE TABLE_NAME = ? ORDER BY ORDINAL_POSITION",
        ("VARCHAR", unique_name),
        resultFormat="array",
    )
    assert cols == [
        ["__time", "TIMESTAMP"],
        ["a", "VARCHAR"],
        ["b", "VARCHAR"],
        ["skip", "VARCHAR"],
    ]


def test_schema_discovery_infers_types(druid: Any, make_spec: Any, unique_name: str) -> None:
    body = make_spec(
        unique_name,
        {"type": "inline", "data": '{"ts":"2024-01-01","a":"x","b":5,"c":1.5}'},
        input_format={"type": "json"},
        timestamp={"column": "ts"},
    )
    body["spec"]["dataSchema"]["dimensionsSpec"] = {
        "useSchemaDiscovery": True,
        "dimensionExclusions": ["c"],
    }
    assert druid.run(body)["statusCode"] == "SUCCESS"
    cols = druid.sql(
        "SELECT COLUMN_NAME, DATA_TYPE FROM INFORMATION_SCHEMA.COLUMNS "
        "WHERE TABLE_NAME = ? ORDER BY ORDINAL_POSITION",
        ("VARCHAR", unique_name),
        resultFormat="array",
    )
    assert cols == [["__time", "TIMESTAMP"], ["a", "VARCHAR"], ["b", "BIGINT"]]
