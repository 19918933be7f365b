"""The Druid reindex task that retracts one upload's rows (docs/druid.md#time-chunks-and-replace).

It re-reads the datasource over the upload's day chunks (`druid` input source, `__time` in epoch
ms), keeps every row whose upload_id is not the upload's, and overwrites those chunks
(appendToExisting false); dropExisting clears chunks left empty. The same spec runs on Druid and
olap-lite (which needs the parquet inputFormat; Druid ignores it for this source).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

UPLOAD_ID = "upload_id"
DIMENSION_TYPES = {"VARCHAR": "string", "BIGINT": "long", "DOUBLE": "double", "FLOAT": "float"}
METRIC_TYPES = {"BIGINT": "longSum", "FLOAT": "floatSum"}


def retraction_task_id(datasource: str, retraction_id: str) -> str:
    """Deterministic: submitting the same retraction twice is answered as a duplicate."""
    return f"mauzo_retract_{datasource}_{retraction_id}"


def day_interval(start: datetime, end: datetime) -> str:
    """The whole UTC days holding [start, end): start floored, end ceiled to midnight."""
    first = datetime.combine(start.astimezone(UTC).date(), time(), UTC)
    last = datetime.combine(end.astimezone(UTC).date(), time(), UTC)
    if last < end.astimezone(UTC) or last <= first:
        last += timedelta(days=1)
    return f"{_iso(first)}/{_iso(last)}"


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def reindex_spec(
    *,
    druid_task_id: str,
    datasource: str,
    upload_id: str,
    interval: str,
    dimensions: list[tuple[str, str]],
    metrics: list[tuple[str, str]],
) -> dict[str, Any]:
    """`dimensions` and `metrics` are (name, SQL type) as INFORMATION_SCHEMA.COLUMNS gives them."""
    return {
        "type": "index_parallel",
        "id": druid_task_id,
        "context": {"priority": 50},
        "spec": {
            "dataSchema": {
                "dataSource": datasource,
                "timestampSpec": {"column": "__time", "format": "millis"},
                "dimensionsSpec": {
                    "dimensions": [
                        {"type": DIMENSION_TYPES.get(sql_type, "string"), "name": name}
                        for name, sql_type in dimensions
                    ]
                },
                "metricsSpec": [
                    {
                        "type": METRIC_TYPES.get(sql_type, "doubleSum"),
                        "name": name,
                        "fieldName": name,
                    }
                    for name, sql_type in metrics
                ],
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
                        "field": {"type": "selector", "dimension": UPLOAD_ID, "value": upload_id},
                    }
                },
            },
            "ioConfig": {
                "type": "index_parallel",
                "inputSource": {"type": "druid", "dataSource": datasource, "interval": interval},
                "inputFormat": {"type": "parquet"},
                "appendToExisting": False,
                "dropExisting": True,
            },
            "tuningConfig": {
                "type": "index_parallel",
                "partitionsSpec": {"type": "dynamic"},
                "maxParseExceptions": 0,
            },
        },
    }
