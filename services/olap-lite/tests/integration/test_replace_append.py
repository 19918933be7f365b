"""appendToExisting / dropExisting: replace by time chunk, as in
docs/druid.md#time-chunks-and-replace."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def _csv(tmp_path: Path, name: str, rows: list[tuple[str, str, int]]) -> Path:
    path = tmp_path / name
    path.write_text("time,k,v\n" + "".join(f"{t},{k},{v}\n" for t, k, v in rows))
    return path


def _load(druid: Any, make_spec: Any, ds: str, path: Path, **kw: Any) -> None:
    body = make_spec(
        ds,
        {"type": "local", "files": [str(path)]},
        input_format={"type": "csv", "findColumnsFromHeader": True},
        timestamp={"column": "time", "format": "auto"},
        dimensions=["k"],
        metrics=[{"type": "longSum", "name": "v", "fieldName": "v"}],
        **kw,
    )
    assert druid.run(body)["statusCode"] == "SUCCESS"


def _rows(druid: Any, ds: str) -> list[list[Any]]:
    result: list[list[Any]] = druid.sql(
        f"SELECT TIME_FORMAT(__time, 'yyyy-MM-dd') AS d, k, v FROM \"{ds}\" ORDER BY __time, k",
        resultFormat="array",
    )
    return result


def test_overwrite_replaces_only_the_day_chunks_that_receive_rows(
    druid: Any, make_spec: Any, tmp_path: Path, unique_name: str
) -> None:
    first = _csv(
        tmp_path, "a.csv", [("2024-01-01", "a", 1), ("2024-01-02", "b", 2), ("2024-01-03", "c", 3)]
    )
    _load(druid, make_spec, unique_name, first)
    second = _csv(tmp_path, "b.csv", [("2024-01-02", "x", 20)])
    _load(druid, make_spec, unique_name, second)
    assert _rows(druid, unique_name) == [
        ["2024-01-01", "a", 1],
        ["2024-01-02", "x", 20],
        ["2024-01-03", "c", 3],
    ]


def test_append_adds_rows_and_is_not_idempotent(
    druid: Any, make_spec: Any, tmp_path: Path, unique_name: str
) -> None:
    path = _csv(tmp_path, "a.csv", [("2024-01-01", "a", 1)])
    _load(druid, make_spec, unique_name, path, append=True)
    _load(druid, make_spec, unique_name, path, append=True)
    assert _rows(druid, unique_name) == [["2024-01-01", "a", 1], ["2024-01-01", "a", 1]]
    segments = druid.sql(
        f"SELECT partition_num FROM sys.segments WHERE datasource = '{unique_name}' ORDER BY 1",
        resultFormat="array",
    )
    assert segments == [[0], [1]]


def test_overwrite_keeps_empty_chunks_but_drop_existing_clears_them(
    druid: Any, make_spec: Any, tmp_path: Path, unique_name: str
) -> None:
    first = _csv(
        tmp_path, "a.csv", [("2024-01-01", "a", 1), ("2024-01-02", "b", 2), ("2024-01-05", "z", 9)]
    )
    _load(druid, make_spec, unique_name, first)
    again = _csv(tmp_path, "b.csv", [("2024-01-01", "a", 10)])
    interval = {
        "segmentGranularity": "day",
        "rollup": False,
        "intervals": ["2024-01-01/2024-01-04"],
    }
    _load(druid, make_spec, unique_name, again, granularity=interval)
    assert _rows(druid, unique_name) == [
        ["2024-01-01", "a", 10],
        ["2024-01-02", "b", 2],
        ["2024-01-05", "z", 9],
    ]
    _load(druid, make_spec, unique_name, again, granularity=interval, dropExisting=True)
    assert _rows(druid, unique_name) == [["2024-01-01", "a", 10], ["2024-01-05", "z", 9]]


def test_drop_existing_needs_intervals_and_no_append(
    druid: Any, make_spec: Any, tmp_path: Path, unique_name: str
) -> None:
    path = _csv(tmp_path, "a.csv", [("2024-01-01", "a", 1)])
    body = make_spec(
        unique_name,
        {"type": "local", "files": [str(path)]},
        input_format={"type": "csv", "findColumnsFromHeader": True},
        dropExisting=True,
    )
    response = druid.http.post("/druid/indexer/v1/task", json=body)
    assert response.status_code == 400
    assert "intervals" in response.json()["error"]
