"""Druid's own tutorial ingestions, transcribed from apache/druid docs and quickstart files
(data verbatim in fixtures/), with the results the documentation shows.

- apache/druid/docs/tutorials/tutorial-rollup.md + examples/quickstart/tutorial/rollup-index.json
- apache/druid/docs/tutorials/tutorial-transform-spec.md (native version) + transform-index.json
- apache/druid/docs/tutorials/tutorial-update-data.md (native version): updates-init-index.json,
  updates-overwrite-index.json, updates-append-index2.json with updates-data*.json
Legacy parser/firehose specs are written in today's inputSource/inputFormat form (same meaning).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"

ROLLUP_DATA = (FIXTURES / "rollup-data.json").read_text()


def _tutorial_spec(
    datasource: str,
    base_dir: Path,
    file: str,
    *,
    dimensions: list[Any],
    metrics: list[dict[str, Any]],
    segment: str,
    append: bool,
    transform: dict[str, Any] | None = None,
) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "dataSource": datasource,
        "dimensionsSpec": {"dimensions": dimensions},
        "timestampSpec": {"column": "timestamp", "format": "iso"},
        "metricsSpec": metrics,
        "granularitySpec": {
            "type": "uniform",
            "segmentGranularity": segment,
            "queryGranularity": "minute",
            "intervals": ["2018-01-01/2018-01-03"],
            "rollup": True,
        },
    }
    if transform:
        schema["transformSpec"] = transform
    return {
        "type": "index_parallel",
        "spec": {
            "dataSchema": schema,
            "ioConfig": {
                "type": "index_parallel",
                "inputSource": {"type": "local", "baseDir": str(base_dir), "filter": file},
                "inputFormat": {"type": "json"},
                "appendToExisting": append,
            },
            "tuningConfig": {
                "type": "index_parallel",
                "maxRowsPerSegment": 5000000,
                "maxRowsInMemory": 25000,
            },
        },
    }


def test_rollup_tutorial(druid: Any, tmp_path: Path, unique_name: str) -> None:
    (tmp_path / "rollup-data.json").write_text(ROLLUP_DATA)
    body = _tutorial_spec(
        unique_name,
        tmp_path,
        "rollup-data.json",
        dimensions=["srcIP", "dstIP"],
        segment="week",
        append=False,
        metrics=[
            {"type": "count", "name": "count"},
            {"type": "longSum", "name": "packets", "fieldName": "packets"},
            {"type": "longSum", "name": "bytes", "fieldName": "bytes"},
        ],
    )
    assert druid.run(body)["statusCode"] == "SUCCESS"
    rows = druid.sql(
        f'select __time, "bytes", "count", dstIP, packets, srcIP from "{unique_name}" '
        "ORDER BY __time",
        resultFormat="array",
    )
    assert rows == [
        ["2018-01-01T01:01:00.000Z", 35937, 3, "2.2.2.2", 286, "1.1.1.1"],
        ["2018-01-01T01:02:00.000Z", 366260, 2, "2.2.2.2", 415, "1.1.1.1"],
        ["2018-01-01T01:03:00.000Z", 10204, 1, "2.2.2.2", 49, "1.1.1.1"],
        ["2018-01-02T21:33:00.000Z", 100288, 2, "8.8.8.8", 161, "7.7.7.7"],
        ["2018-01-02T21:35:00.000Z", 2818, 1, "8.8.8.8", 12, "7.7.7.7"],
    ]


TRANSFORM_DATA = (FIXTURES / "transform-data.json").read_text()


def test_transform_tutorial(druid: Any, tmp_path: Path, unique_name: str) -> None:
    (tmp_path / "transform-data.json").write_text(TRANSFORM_DATA)
    body = _tutorial_spec(
        unique_name,
        tmp_path,
        "transform-data.json",
        segment="week",
        append=False,
        dimensions=["animal", {"name": "location", "type": "long"}],
        metrics=[
            {"type": "count", "name": "count"},
            {"type": "longSum", "name": "number", "fieldName": "number"},
            {"type": "longSum", "name": "triple-number", "fieldName": "triple-number"},
        ],
        transform={
            "transforms": [
                {"type": "expression", "name": "animal", "expression": "concat('super-', animal)"},
                {"type": "expression", "name": "triple-number", "expression": "number * 3"},
            ],
            "filter": {
                "type": "or",
                "fields": [
                    {"type": "selector", "dimension": "animal", "value": "super-mongoose"},
                    {"type": "selector", "dimension": "triple-number", "value": "300"},
                    {"type": "selector", "dimension": "location", "value": "3"},
                ],
            },
        },
    )
    task = druid.submit(body)
    assert druid.wait(task)["statusCode"] == "SUCCESS"
    assert druid.report(task)["rowStats"]["buildSegments"]["thrownAway"] == 1  # the lion
    rows = druid.sql(
        f'SELECT __time, animal, "count", location, "number", "triple-number" '
        f'FROM "{unique_name}" ORDER BY __time',
        resultFormat="array",
    )
    assert rows == [
        ["2018-01-01T05:01:00.000Z", "super-mongoose", 1, 2, 200, 600],
        ["2018-01-01T06:01:00.000Z", "super-snake", 1, 3, 300, 900],
        ["2018-01-01T07:01:00.000Z", "super-octopus", 1, 1, 100, 300],
    ]


UPDATES = {
    name: (FIXTURES / name).read_text()
    for name in ("updates-data.json", "updates-data2.json", "updates-data4.json")
}


def test_update_tutorial_overwrite_then_append(
    druid: Any, tmp_path: Path, unique_name: str
) -> None:
    for name, data in UPDATES.items():
        (tmp_path / name).write_text(data)
    metrics = [
        {"type": "count", "name": "count"},
        {"type": "longSum", "name": "number", "fieldName": "number"},
    ]

    def load(file: str, segment: str, append: bool) -> None:
        body = _tutorial_spec(
            unique_name,
            tmp_path,
            file,
            dimensions=["animal"],
            metrics=metrics,
            segment=segment,
            append=append,
        )
        assert druid.run(body)["statusCode"] == "SUCCESS"

    def table() -> list[list[Any]]:
        result: list[list[Any]] = druid.sql(
            f'SELECT __time, animal, "count", "number" FROM "{unique_name}" '
            'ORDER BY __time, "number"',
            resultFormat="array",
        )
        return result

    load("updates-data.json", "week", append=False)  # updates-init-index.json
    assert table() == [
        ["2018-01-01T01:01:00.000Z", "tiger", 1, 100],
        ["2018-01-01T03:01:00.000Z", "aardvark", 1, 42],
        ["2018-01-01T03:01:00.000Z", "giraffe", 1, 14124],
    ]
    load("updates-data2.json", "day", append=False)  # updates-overwrite-index.json
    assert table() == [
        ["2018-01-01T01:01:00.000Z", "lion", 1, 100],
        ["2018-01-01T03:01:00.000Z", "aardvark", 1, 9999],
        ["2018-01-01T04:01:00.000Z", "bear", 1, 111],
    ]
    load("updates-data4.json", "week", append=True)  # updates-append-index2.json
    # "the new bear row with number 222 has not been rolled up with the existing bear-111 row,
    # because the new data is held in a separate segment"
    assert table() == [
        ["2018-01-01T01:01:00.000Z", "lion", 1, 100],
        ["2018-01-01T03:01:00.000Z", "aardvark", 1, 9999],
        ["2018-01-01T04:01:00.000Z", "bear", 1, 111],
        ["2018-01-01T04:01:00.000Z", "bear", 1, 222],
        ["2018-01-01T09:01:00.000Z", "falcon", 1, 1241],
    ]
    grouped = druid.sql(
        f'SELECT animal, SUM("count") AS c, SUM("number") AS n FROM "{unique_name}" '
        "WHERE animal = 'bear' GROUP BY animal"
    )
    assert grouped == [{"animal": "bear", "c": 2, "n": 333}]
