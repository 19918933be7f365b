"""The Druid `index_parallel` task specs Mauzo submits: a file's load and an upload's retraction.

Pure: values in, task JSON out; the same JSON runs on Druid and olap-lite
(docs/druid.md#batch-task-specs). Both tasks share their shape: day segments, no rollup, dynamic
partitions, and `maxParseExceptions: 0`, which fails a task on its first bad row instead of
letting it succeed with rows missing. Both are submitted under ids derived from our own task
ids, so submitting the same task twice is answered "already exists" instead of loading twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from mauzo_common.errors import MauzoError
from mauzo_common.events import ColumnInfo, FileValidated
from mauzo_common.sales_model import TIME as TIME_COLUMN
from mauzo_common.sales_model import UPLOAD_ID

TASK_TYPE = "index_parallel"
_DIMENSION_TYPES = {"string", "long", "double"}
# INFORMATION_SCHEMA's SQL types as ingestion types, for a reindex that keeps every column.
_SQL_DIMENSION_TYPES = {"VARCHAR": "string", "BIGINT": "long", "DOUBLE": "double", "FLOAT": "float"}
_SQL_METRIC_TYPES = {"BIGINT": "longSum", "FLOAT": "floatSum"}


class SpecError(MauzoError):
    """The values cannot make a task Druid would accept (a broken event contract: our bug)."""

    code = "spec_not_buildable"


# --- a validated file's load ------------------------------------------------------------------


def load_task_id(datasource: str, task_id: str) -> str:
    """Deterministic, so a re-delivered event cannot start a second load of the same file."""
    return f"mauzo_{_checked_id('datasource', datasource)}_{_checked_id('task id', task_id)}"


def load_spec(event: FileValidated, *, task_id: str, uris: Sequence[str]) -> dict[str, Any]:
    """Appended to what is there (`appendToExisting`, which needs dynamic partitions); explicit
    `intervals` let Druid lock up front and skip its determine-intervals pass."""
    time_column, dimensions, metrics = _split_columns(event.columns)
    return _index_parallel(
        load_task_id(event.datasource, task_id),
        event.datasource,
        timestamp={"column": time_column, "format": "auto"},
        dimensions=[{"type": c.type, "name": c.name} for c in dimensions],
        metrics=[{"type": "doubleSum", "name": c.name, "fieldName": c.name} for c in metrics],
        interval=interval(event.interval_start, event.interval_end),
        io={"inputSource": input_source(uris), "appendToExisting": True},
        tuning={"logParseExceptions": True, "maxSavedParseExceptions": 10},
    )


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


# --- an upload's retraction (a reindex of its days without its rows) -------------------------


def retraction_task_id(datasource: str, retraction_id: str) -> str:
    """Deterministic: submitting the same retraction twice is answered as a duplicate."""
    return f"mauzo_retract_{datasource}_{retraction_id}"


def day_interval(start: datetime, end: datetime) -> str:
    """The whole UTC days holding [start, end): start floored, end ceiled to midnight."""
    first = datetime.combine(start.astimezone(UTC).date(), time(), UTC)
    last = datetime.combine(end.astimezone(UTC).date(), time(), UTC)
    if last < end.astimezone(UTC) or last <= first:
        last += timedelta(days=1)
    return f"{_iso_millis(first, ceil=False)}/{_iso_millis(last, ceil=False)}"


def reindex_spec(
    *,
    druid_task_id: str,
    datasource: str,
    upload_id: str,
    interval: str,
    dimensions: list[tuple[str, str]],
    metrics: list[tuple[str, str]],
) -> dict[str, Any]:
    """Re-read the datasource over `interval` (the `druid` input source, `__time` in epoch ms),
    keep every row whose upload_id is not `upload_id`, and overwrite those day chunks
    (appendToExisting false); dropExisting clears chunks left empty
    (docs/druid.md#time-chunks-and-replace). olap-lite needs the parquet
    inputFormat; Druid ignores it for this source.

    `dimensions` and `metrics` are (name, SQL type) as INFORMATION_SCHEMA.COLUMNS gives them."""
    return _index_parallel(
        druid_task_id,
        datasource,
        context={"priority": 50},
        timestamp={"column": TIME_COLUMN, "format": "millis"},
        dimensions=[
            {"type": _SQL_DIMENSION_TYPES.get(sql_type, "string"), "name": name}
            for name, sql_type in dimensions
        ],
        metrics=[
            {"type": _SQL_METRIC_TYPES.get(sql_type, "doubleSum"), "name": name, "fieldName": name}
            for name, sql_type in metrics
        ],
        interval=interval,
        transform={
            "filter": {
                "type": "not",
                "field": {"type": "selector", "dimension": UPLOAD_ID, "value": upload_id},
            }
        },
        io={
            "inputSource": {"type": "druid", "dataSource": datasource, "interval": interval},
            "appendToExisting": False,
            "dropExisting": True,
        },
    )


# --- the shape both share ---------------------------------------------------------------------


def _index_parallel(
    task_id: str,
    datasource: str,
    *,
    timestamp: dict[str, Any],
    dimensions: list[dict[str, Any]],
    metrics: list[dict[str, Any]],
    interval: str,
    io: dict[str, Any],
    tuning: dict[str, Any] | None = None,
    transform: dict[str, Any] | None = None,
    context: dict[str, Any] | None = None,
) -> dict[str, Any]:
    data_schema: dict[str, Any] = {
        "dataSource": datasource,
        "timestampSpec": timestamp,
        "dimensionsSpec": {"dimensions": dimensions},
        "metricsSpec": metrics,
        "granularitySpec": {
            "type": "uniform",
            "segmentGranularity": "day",
            "queryGranularity": "none",
            "rollup": False,
            "intervals": [interval],
        },
    }
    if transform is not None:
        data_schema["transformSpec"] = transform
    source, rest = io["inputSource"], {k: v for k, v in io.items() if k != "inputSource"}
    task: dict[str, Any] = {"type": TASK_TYPE, "id": task_id}
    if context is not None:
        task["context"] = context
    task["spec"] = {
        "dataSchema": data_schema,
        "ioConfig": {
            "type": TASK_TYPE,
            "inputSource": source,
            "inputFormat": {"type": "parquet"},
            **rest,
        },
        "tuningConfig": {
            "type": TASK_TYPE,
            "partitionsSpec": {"type": "dynamic"},
            "maxParseExceptions": 0,
            **(tuning or {}),
        },
    }
    return task


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
