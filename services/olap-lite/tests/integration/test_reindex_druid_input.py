"""Reindexing with the `druid` input source: re-read a datasource, drop rows by a filter."""

from __future__ import annotations

from pathlib import Path
from typing import Any

INTERVAL = "2024-01-01/2024-01-04"
DIMENSIONS = ["branch", "upload_id"]
METRICS = [{"type": "doubleSum", "name": "revenue", "fieldName": "revenue"}]


def _load(druid: Any, make_spec: Any, ds: str, path: Path, upload_id: str) -> None:
    lines = path.read_text().splitlines()
    body = "time,branch,revenue,upload_id\n" + "".join(f"{row},{upload_id}\n" for row in lines)
    csv = path.with_name(f"{upload_id}.csv")
    csv.write_text(body)
    spec = make_spec(
        ds,
        {"type": "local", "files": [str(csv)]},
        input_format={"type": "csv", "findColumnsFromHeader": True},
        timestamp={"column": "time", "format": "auto"},
        dimensions=DIMENSIONS,
        metrics=METRICS,
        append=True,
    )
    assert druid.run(spec)["statusCode"] == "SUCCESS"


def _retraction(ds: str, upload_id: str, interval: str = INTERVAL) -> dict[str, Any]:
    """The spec task-tracker sends: the same shape works on real Druid."""
    return {
        "type": "index_parallel",
        "id": f"retract_{ds}_{upload_id}",
        "spec": {
            "dataSchema": {
                "dataSource": ds,
                "timestampSpec": {"column": "__time", "format": "millis"},
                "dimensionsSpec": {"dimensions": DIMENSIONS},
                "metricsSpec": METRICS,
                "granularitySpec": {
                    "type": "uniform",
                    "segmentGranularity": "day",
                    "queryGranularity": "none",
                    "rollup": False,
                    "intervals": [interval],
                },
                "transformSpec": {
                    "filter": {
                        "type": "not",
                        "field": {"type": "selector", "dimension": "upload_id", "value": upload_id},
                    }
                },
            },
            "ioConfig": {
                "type": "index_parallel",
                "inputSource": {"type": "druid", "dataSource": ds, "interval": interval},
                "inputFormat": {"type": "parquet"},
                "appendToExisting": False,
                "dropExisting": True,
            },
            "tuningConfig": {"type": "index_parallel", "partitionsSpec": {"type": "dynamic"}},
        },
    }


def _rows(druid: Any, ds: str) -> list[list[Any]]:
    result: list[list[Any]] = druid.sql(
        f"SELECT TIME_FORMAT(__time, 'yyyy-MM-dd') AS d, branch, revenue, upload_id "
        f'FROM "{ds}" ORDER BY __time, branch',
        resultFormat="array",
    )
    return result


def test_reindex_with_a_filter_removes_exactly_the_filtered_rows(
    druid: Any, make_spec: Any, tmp_path: Path, unique_name: str
) -> None:
    rows = tmp_path / "rows"
    rows.write_text("2024-01-01T10:00:00Z,a,1.5\n2024-01-02T11:00:00Z,b,2.0")
    _load(druid, make_spec, unique_name, rows, "up1")
    rows.write_text("2024-01-01T09:00:00Z,c,10.0\n2024-01-02T12:00:00Z,d,20.0")
    _load(druid, make_spec, unique_name, rows, "up2")

    task_id = druid.submit(_retraction(unique_name, "up1"))
    assert druid.wait(task_id)["statusCode"] == "SUCCESS"

    assert _rows(druid, unique_name) == [
        ["2024-01-01", "c", 10.0, "up2"],
        ["2024-01-02", "d", 20.0, "up2"],
    ]
    stats = druid.report(task_id)["rowStats"]["buildSegments"]
    assert (stats["processed"], stats["thrownAway"], stats["unparseable"]) == (2, 2, 0)


def test_reindex_clears_days_left_empty_and_keeps_days_outside_the_interval(
    druid: Any, make_spec: Any, tmp_path: Path, unique_name: str
) -> None:
    rows = tmp_path / "rows"
    rows.write_text("2024-01-01T10:00:00Z,a,1.0\n2024-01-05T10:00:00Z,z,5.0")
    _load(druid, make_spec, unique_name, rows, "only")

    task_id = druid.submit(_retraction(unique_name, "only", "2024-01-01/2024-01-02"))
    assert druid.wait(task_id)["statusCode"] == "SUCCESS"

    assert _rows(druid, unique_name) == [["2024-01-05", "z", 5.0, "only"]]
    used = druid.sql(
        f"SELECT \"start\" FROM sys.segments WHERE datasource = '{unique_name}'",
        resultFormat="array",
    )
    assert used == [["2024-01-05T00:00:00.000Z"]]
    assert druid.report(task_id)["rowStats"]["buildSegments"]["processed"] == 0


def test_reindex_of_an_unknown_datasource_fails_with_a_reason(druid: Any, unique_name: str) -> None:
    status = druid.run(_retraction(unique_name, "x"))
    assert status["statusCode"] == "FAILED"
    assert "does not exist" in status["errorMsg"]


def test_a_load_published_while_a_reindex_runs_is_kept(
    druid: Any, make_spec: Any, tmp_path: Path, unique_name: str
) -> None:
    """The reindex reads the rows it rewrites; a load that lands meanwhile must survive it."""
    many = tmp_path / "many"
    many.write_text("\n".join(f"2024-01-01T10:{i % 60:02d}:00Z,a,1.0" for i in range(150_000)))
    _load(druid, make_spec, unique_name, many, "u1")
    late = tmp_path / "late"
    late.write_text("2024-01-01T12:00:00Z,late,7.0")
    late_csv = late.with_name("u3.csv")
    late_csv.write_text("time,branch,revenue,upload_id\n2024-01-01T12:00:00Z,late,7.0,u3\n")
    retraction = druid.submit(_retraction(unique_name, "u1"))
    append = druid.submit(
        make_spec(
            unique_name,
            {"type": "local", "files": [str(late_csv)]},
            input_format={"type": "csv", "findColumnsFromHeader": True},
            timestamp={"column": "time", "format": "auto"},
            dimensions=DIMENSIONS,
            metrics=METRICS,
            append=True,
        )
    )
    assert druid.wait(retraction, timeout=120)["statusCode"] == "SUCCESS"
    assert druid.wait(append, timeout=120)["statusCode"] == "SUCCESS"
    assert _rows(druid, unique_name) == [["2024-01-01", "late", 7.0, "u3"]]
