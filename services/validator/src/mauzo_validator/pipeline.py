"""One uploaded file through the whole validation: read, map, parse, check, write, report.

Outputs are keyed by task id under `processed/{datasource}/{task_id}/` (part-0.parquet, report.json,
rejected.csv), so a redelivered event rewrites the same objects and yields the same outcome. Bad
input ends in `Rejected` with a specific reason and nothing loadable written; a failing
store (or any other system error) raises so that the consumer retries and finally
dead-letters the event.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import structlog

from mauzo_common.events import ColumnInfo, ErrorInfo, FileUploaded
from mauzo_common.object_store import ObjectStore
from mauzo_validator.canonical import Canonical, build
from mauzo_validator.errors import Code, InputRejected, rejected
from mauzo_validator.mapping import Mapping, header_score, propose_mapping
from mauzo_validator.reading import Table, read_table
from mauzo_validator.report import (
    QualityReport,
    column_quality,
    examples_json,
    rejected_rows_csv,
)
from mauzo_validator.rules import RuleOutcome, enforce_budget, evaluate
from mauzo_validator.schema import check_processed
from mauzo_validator.settings import ValidatorSettings

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Validated:
    processed_keys: list[str]
    row_count: int
    rows_rejected: int
    columns: list[ColumnInfo]
    interval_start: datetime
    interval_end: datetime
    report_key: str
    rejected_key: str | None


@dataclass(frozen=True)
class Rejected:
    error: ErrorInfo
    report_key: str


Outcome = Validated | Rejected


@dataclass(frozen=True)
class Keys:
    prefix: str

    @classmethod
    def of(cls, datasource: str, task_id: str) -> Keys:
        return cls(f"processed/{datasource}/{task_id}")

    @property
    def parquet(self) -> str:
        return f"{self.prefix}/part-0.parquet"

    @property
    def report(self) -> str:
        return f"{self.prefix}/report.json"

    @property
    def rejected_rows(self) -> str:
        return f"{self.prefix}/rejected.csv"


def validate_upload(
    store: ObjectStore,
    uploaded: FileUploaded,
    task_id: str,
    settings: ValidatorSettings,
    *,
    now: datetime | None = None,
) -> Outcome:
    keys = Keys.of(uploaded.datasource, task_id)
    report = QualityReport(
        task_id=task_id,
        datasource=uploaded.datasource,
        status="validating",
        error_budget=settings.error_budget,
    )
    try:
        with store.local_copy(uploaded.object_key) as path:
            return _validate(store, path, keys, report, task_id, settings, now or datetime.now(UTC))
    except InputRejected as exc:
        for key in (keys.parquet, keys.rejected_rows):
            store.delete(key)
        report.status, report.error = "rejected", exc.as_dict()
        store.put_bytes(keys.report, report.model_dump_json(indent=2).encode())
        log.info("file_rejected", code=exc.code, reason=exc.message)
        return Rejected(ErrorInfo(code=exc.code, message=exc.message, hint=exc.hint), keys.report)


def _validate(
    store: ObjectStore,
    path: Path,
    keys: Keys,
    report: QualityReport,
    task_id: str,
    settings: ValidatorSettings,
    now: datetime,
) -> Validated:
    table = _read(path, settings)
    report.file_kind, report.encoding = table.kind, table.encoding
    report.delimiter, report.sheet = table.delimiter, table.sheet
    report.rows_read, report.dropped_columns = table.frame.height, table.dropped_columns
    mapping = propose_mapping(
        table.frame.head(settings.sample_rows),
        day_first=settings.day_first,
        decimal_comma=settings.decimal_comma,
    )
    report.mapping = mapping.as_dict()
    canonical = build(table.frame, mapping, settings, now=now, upload_id=task_id)
    report.mapping = mapping.as_dict()
    report.date_format, report.date_evidence = (
        canonical.detection.label,
        canonical.detection.evidence,
    )
    report.warnings = canonical.warnings
    outcome = evaluate(canonical.frame, canonical.checks, examples=settings.report_examples)
    report.counts_per_rule, report.examples = outcome.counts, examples_json(outcome.examples)
    report.columns = column_quality(table.frame, _targets(mapping), outcome)
    enforce_budget(outcome, canonical.checks, settings.error_budget)

    valid = canonical.frame.filter(~outcome.invalid)
    output = _output(valid, canonical)
    start, end = _interval(output)
    with tempfile.TemporaryDirectory(prefix="mauzo-validator-") as tmp:
        local = Path(tmp) / "part-0.parquet"
        output.write_parquet(local, compression="snappy", statistics=True)
        store.upload_file(keys.parquet, local)
    rejected_key = _write_rejected_rows(store, keys, table, outcome)

    report.status = "validated"
    report.rows_valid, report.rows_rejected = output.height, outcome.invalid_rows
    report.interval = [start.isoformat(), end.isoformat()]
    report.score = round(1 - outcome.invalid_rows / max(1, outcome.rows), 4)
    store.put_bytes(keys.report, report.model_dump_json(indent=2).encode())
    log.info("file_validated", rows=output.height, rejected=outcome.invalid_rows)
    return Validated(
        processed_keys=[keys.parquet],
        row_count=output.height,
        rows_rejected=outcome.invalid_rows,
        columns=_columns(canonical),
        interval_start=start,
        interval_end=end,
        report_key=keys.report,
        rejected_key=rejected_key,
    )


def _read(path: Path, settings: ValidatorSettings) -> Table:
    try:
        return read_table(path, settings, score=header_score)
    except pl.exceptions.PolarsError as exc:
        raise rejected(
            Code.UNREADABLE_FILE,
            f"The file could not be read as a table: {exc}".split("\n")[0],
            "Export the file again as CSV (UTF-8) or .xlsx and upload it again.",
        ) from exc


def _output(valid: pl.DataFrame, canonical: Canonical) -> pl.DataFrame:
    output = valid.select(
        pl.col("__time"),
        *(pl.col(d).cast(pl.String) for d in canonical.dimensions),
        pl.col("upload_id"),
        *(pl.col(m).cast(pl.Float64) for m in canonical.metrics),
    )
    return check_processed(output, canonical.dimensions, canonical.metrics)


def _interval(output: pl.DataFrame) -> tuple[datetime, datetime]:
    bounds = output.select(
        pl.col("__time").min().dt.truncate("1d").alias("start"),
        pl.col("__time").max().dt.truncate("1d").alias("last"),
    ).row(0)
    start, last = (b.astimezone(UTC) for b in bounds)
    return start, last + timedelta(days=1)


def _columns(canonical: Canonical) -> list[ColumnInfo]:
    return [
        ColumnInfo(name="__time", type="timestamp", role="time"),
        *(ColumnInfo(name=d, type="string", role="dimension") for d in canonical.dimensions),
        ColumnInfo(name="upload_id", type="string", role="dimension"),
        *(ColumnInfo(name=m, type="double", role="metric") for m in canonical.metrics),
    ]


def _targets(mapping: Mapping) -> dict[str, tuple[str, str]]:
    targets: dict[str, tuple[str, str]] = {}
    if mapping.time:
        targets[mapping.time] = ("__time", "time")
    if mapping.time_of_day:
        targets[mapping.time_of_day] = ("__time", "time")
    for dimension, source in mapping.dimensions.items():
        targets[source] = (dimension, "dimension")
    for name in ("amount", "quantity", "unit_price", "cost", "profit", "discount", "tax"):
        source = getattr(mapping, name)
        if source:
            targets[source] = (name, "metric")
    for extra in mapping.extras:
        targets[extra.source] = (extra.name, extra.role)
    return targets


def _write_rejected_rows(
    store: ObjectStore, keys: Keys, table: Table, outcome: RuleOutcome
) -> str | None:
    if outcome.invalid_rows == 0:
        store.delete(keys.rejected_rows)
        return None
    rows = (
        table.frame.with_row_index("row", offset=1)
        .with_columns(row=pl.col("row").cast(pl.Int64), errors=outcome.reasons)
        .filter(outcome.invalid)
    )
    store.put_bytes(keys.rejected_rows, rejected_rows_csv(rows))
    return keys.rejected_rows
