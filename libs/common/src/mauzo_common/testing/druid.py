"""Druid-API test helpers: the Parquet `index_parallel` spec tests load with, shaped like an
upload's load (mauzo_common.druid.specs, docs/druid.md#batch-task-specs) but for any column
names and intervals, so tests can load data without the pipeline."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any


def parquet_index_spec(
    task_id: str,
    datasource: str,
    files: Sequence[Path],
    *,
    dimensions: Sequence[str],
    metrics: Sequence[str],
    intervals: Sequence[str] | None = ("2000-01-01/2100-01-01",),
) -> dict[str, Any]:
    """String dimensions, doubleSum metrics, no rollup, appended like an upload.

    `intervals=None` leaves them out, so the Overlord derives them from the data."""
    granularity: dict[str, Any] = {
        "type": "uniform",
        "segmentGranularity": "day",
        "queryGranularity": "none",
        "rollup": False,
    }
    if intervals is not None:
        granularity["intervals"] = list(intervals)
    return {
        "type": "index_parallel",
        "id": task_id,
        "spec": {
            "dataSchema": {
                "dataSource": datasource,
                "timestampSpec": {"column": "__time", "format": "auto"},
                "dimensionsSpec": {
                    "dimensions": [{"type": "string", "name": d} for d in dimensions]
                },
                "metricsSpec": [{"type": "doubleSum", "name": m, "fieldName": m} for m in metrics],
                "granularitySpec": granularity,
            },
            "ioConfig": {
                "type": "index_parallel",
                "inputSource": {"type": "local", "files": [str(f) for f in files]},
                "inputFormat": {"type": "parquet"},
                "appendToExisting": True,
            },
            "tuningConfig": {
                "type": "index_parallel",
                "partitionsSpec": {"type": "dynamic"},
                "maxParseExceptions": 0,
            },
        },
    }
