"""The Druid native batch (`index_parallel`) spec for one validated file.

See docs/druid.md#batch-task-specs.

Pure: the event and the objects' URIs in, the task JSON out. The rules that matter:
- the Druid task id is derived from our task id, so a re-delivered event names the same task and
  the Overlord refuses the duplicate instead of loading the file twice;
- `appendToExisting: true` makes uploads add up (it needs `dynamic` partitions), and explicit
  `intervals` let Druid lock up front and skip the determine-intervals pass;
- `maxParseExceptions: 0` fails the task on the first bad row instead of succeeding with 0 rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from mauzo_common.events import ColumnInfo, FileValidated
from mauzo_spec_builder.errors import SpecError

TASK_TYPE = "index_parallel"
TIME_COLUMN = "__time"
_DIMENSION_TYPES = {"string", "long", "double"}


def druid_task_id(datasource: str, task_id: str) -> str:
    """Deterministic, so a re-delivered event cannot start a second load of the same file."""
    return f"mauzo_{_checked_id('datasource', datasource)}_{_checked_id('task id', task_id)}"


def build_spec(event: FileValidated, *, task_id: str, uris: Sequence[str]) -> dict[str, Any]:
    time_column, dimensions, metrics = _split_columns(event.columns)
    return {
        "type": TASK_TYPE,
        "id": druid_task_id(event.datasource, task_id),
        "spec": {
            "dataSchema": {
                "dataSource": event.datasource,
                "timestampSpec": {"column": time_column, "format": "auto"},
                "dimensionsSpec": {
                    "dimensions": [{"type": c.type, "name": c.name} for c in dimensions]
                },
                "metricsSpec": [
                    {"type": "doubleSum", "name": c.name, "fieldName": c.name} for c in metrics
                ],
                "granularitySpec": {
                    "type": "uniform",
                    "segmentGranularity": "day",
                    "queryGranularity": "none",
                    "rollup": False,
                    "intervals": [interval(event.interval_start, event.interval_end)],
                },
            },
            "ioConfig": {
                "type": TASK_TYPE,
                "inputSource": input_source(uris),
                "inputFormat": {"type": "parquet"},
                "appendToExisting": True,
            },
            "tuningConfig": {
                "type": TASK_TYPE,
                "partitionsSpec": {"type": "dynamic"},
                "maxParseExceptions": 0,
                "logParseExceptions": True,
                "maxSavedParseExceptions": 10,
            },
        },
    }


def input_source(uris: Sequence[str]) -> dict[str, Any]:
    """`local` for `file://` URIs (the directory store), `s3` for `s3://` URIs (S3 / MinIO)."""
    if not uris:
        raise SpecError("the validated file has no processed objects to ingest")
    schemes = {urlsplit(uri).scheme for uri in uris}
    if schemes == {"file"}:
        return {"type": "local", "files": [_local_path(uri) for uri in uris]}
    if schemes == {"s3"}:
        return {"type": "s3", "uris": list(uris)}
    raise SpecError(f"processed objects must be all file:// or all s3://, got {sorted(schemes)}")


def interval(start: datetime, end: datetime) -> str:
    """ISO interval `start/end` in UTC at Druid's millisecond precision, never narrower than asked.

    The start is floored and the exclusive end ceiled to the millisecond, so the last row can never
    fall outside the interval and be silently "thrownAway" (docs/druid.md#timestamps).
    """
    start, end = _utc(start), _utc(end)
    if end <= start:
        raise SpecError(f"empty time interval {start.isoformat()}/{end.isoformat()}")
    return f"{_iso_millis(start, ceil=False)}/{_iso_millis(end, ceil=True)}"


def _split_columns(
    columns: Sequence[ColumnInfo],
) -> tuple[str, list[ColumnInfo], list[ColumnInfo]]:
    names = [c.name for c in columns]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise SpecError(f"columns listed more than once: {duplicates}")
    times = [c for c in columns if c.role == "time"]
    if [c.name for c in times] != [TIME_COLUMN]:
        raise SpecError(f"expected exactly one time column named {TIME_COLUMN!r}, got {times}")
    dimensions = [c for c in columns if c.role == "dimension"]
    metrics = [c for c in columns if c.role == "metric"]
    for column in dimensions + metrics:
        if column.name == TIME_COLUMN:
            raise SpecError(f"{TIME_COLUMN!r} is Druid's primary timestamp, not a {column.role}")
    for column in dimensions:
        if column.type not in _DIMENSION_TYPES:
            raise SpecError(
                f"dimension {column.name!r} has type {column.type!r}; Druid dimensions "
                f"are {sorted(_DIMENSION_TYPES)}"
            )
    return TIME_COLUMN, dimensions, metrics


def _checked_id(what: str, value: str) -> str:
    # The Overlord refuses ids it cannot use in file paths (IdUtils.validateId): say why, here.
    if (
        not value
        or value.startswith(".")
        or "/" in value
        or any(ch.isspace() and ch != " " for ch in value)
    ):
        raise SpecError(f"{what} {value!r} cannot be part of a Druid task id")
    return value


def _local_path(uri: str) -> str:
    parts = urlsplit(uri)
    if parts.netloc not in ("", "localhost"):
        raise SpecError(f"file URI {uri!r} names another host; a local input reads this one")
    return url2pathname(parts.path)


def _utc(moment: datetime) -> datetime:
    # The event contract is UTC; a naive value can only mean UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _iso_millis(moment: datetime, *, ceil: bool) -> str:
    if ceil and moment.microsecond % 1000:
        moment += timedelta(microseconds=1000 - moment.microsecond % 1000)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
