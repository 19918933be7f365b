"""One uploaded file through the whole validation: read, map, parse, check, write, report.

The file is processed in bounded batches (settings.batch_rows), so memory does not grow with its
size. Outputs are keyed by task id under `processed/{datasource}/{task_id}/` (part-N.parquet, one
per batch, report.json, rejected.csv), so a redelivered event rewrites the same objects and yields
the same outcome. Bad input ends in `Rejected` with a specific reason and nothing loadable
written; a failing store (or any other system error) raises so that the consumer retries and
finally dead-letters it.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import polars as pl
import structlog

from mauzo_common.errors import StorageFull
from mauzo_common.events import ColumnInfo, ErrorInfo, FileUploaded
from mauzo_common.file_kinds import FileKind
from mauzo_common.object_store import ObjectStore
from mauzo_common.sales_model import TIME, UPLOAD_ID
from mauzo_validator.batch_checks import BatchChecker, checked_in_order
from mauzo_validator.canonical import Canonical, output_names, source_targets
from mauzo_validator.errors import Code, InputRejected, rejected
from mauzo_validator.mapping import Mapping, header_score, propose_mapping
from mauzo_validator.money import check_currency
from mauzo_validator.options import apply_options
from mauzo_validator.output import Outputs
from mauzo_validator.plan import make_plan
from mauzo_validator.reading import Table, read_table
from mauzo_validator.remembered import recall, remember
from mauzo_validator.report import QualityReport, column_quality, examples_json
from mauzo_validator.rules import Check, Totals, enforce_budget
from mauzo_validator.schema import check_processed
from mauzo_validator.settings import ValidatorSettings
from mauzo_validator.status import StatusRule, StatusTally

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
    rows_read: int = 0
    mapping: dict[str, str] = field(default_factory=dict)
    date_formats: dict[str, str] = field(default_factory=dict)


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

    def part(self, index: int) -> str:
        return f"{self.prefix}/part-{index}.parquet"

    @property
    def parts_prefix(self) -> str:
        return f"{self.prefix}/part-"

    @property
    def report(self) -> str:
        return f"{self.prefix}/report.json"

    @property
    def rejected_rows(self) -> str:
        return f"{self.prefix}/rejected.csv"


@dataclass(frozen=True)
class Job:
    store: ObjectStore
    uploaded: FileUploaded
    task_id: str
    keys: Keys
    report: QualityReport
    now: datetime


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
    job = Job(store, uploaded, task_id, keys, report, now or datetime.now(UTC))
    try:
        with (
            store.local_copy(uploaded.object_key) as path,
            tempfile.TemporaryDirectory(prefix="validator-", dir=settings.scratch_dir()) as tmp,
        ):
            started = time.perf_counter()
            outcome = _validate(job, path, Path(tmp), settings)
            seconds = round(time.perf_counter() - started, 3)
            log.info(
                "file_validated",
                rows=outcome.row_count,
                rejected=outcome.rows_rejected,
                seconds=seconds,
            )
            return outcome
    except InputRejected as exc:
        _delete_parts(store, keys)
        store.delete(keys.rejected_rows)
        report.status, report.error = "rejected", exc.as_dict()
        store.put_bytes(keys.report, report.model_dump_json(indent=2).encode())
        log.info("file_rejected", code=exc.code, reason=exc.message)
        return Rejected(ErrorInfo(code=exc.code, message=exc.message, hint=exc.hint), keys.report)


def _validate(job: Job, path: Path, workdir: Path, settings: ValidatorSettings) -> Validated:
    applied = apply_options(settings, job.uploaded.options)
    settings = applied.settings
    table = _read(path, _kind_of(job.uploaded), settings, workdir, applied.sheet)
    try:
        return _validate_table(job, table, workdir, settings, applied.status)
    except (InputRejected, pl.exceptions.PolarsError) as exc:
        if table.structure is not None:
            table.structure.result()  # a broken structure explains any later failure
        if isinstance(exc, InputRejected):
            raise
        raise _unreadable(exc, workdir) from exc
    finally:
        if table.structure is not None:
            table.structure.cancel()


def _validate_table(
    job: Job, table: Table, workdir: Path, settings: ValidatorSettings, status: StatusRule
) -> Validated:
    report, keys = job.report, job.keys
    report.file_kind, report.encoding = table.kind, table.encoding
    report.delimiter, report.sheet = table.delimiter, table.sheet
    report.dropped_columns = table.dropped_columns
    if table.sample.height == 0:
        raise rejected(
            Code.HEADER_ONLY,
            "The file has a header row but no data rows.",
            "Export the data again including the rows, not only the column names.",
        )
    mapping = _mapping(job, table, settings)
    dc = settings.decimal_comma
    plan = make_plan(
        table.sample,
        mapping,
        day_first=settings.day_first,
        dc=dc,
        excel_1904=settings.excel_1904,
        status=status,
    )
    report.currency = check_currency(
        table.sample,
        mapping,
        job.uploaded.datasource,
        settings.currency_of(job.uploaded.datasource),
    )
    report.mapping = mapping.as_dict()
    report.date_format, report.date_evidence = plan.detection.label, plan.detection.evidence
    report.warnings = plan.warnings
    outputs = Outputs(workdir, workdir / "rejected.csv")
    totals = Totals(limit=settings.report_examples)
    checks: list[Check] = []
    tally = StatusTally(status, mapping.status) if mapping.status else None
    checker = BatchChecker(mapping, plan, settings, job.now, job.task_id)
    try:
        for checked in checked_in_order(
            table.iter_batches(settings.batch_rows),
            checker.check,
            workers=settings.batch_workers,
            seen=outputs.count_nulls,
        ):
            canonical, outcome, valid = checked.canonical, checked.outcome, checked.valid
            totals.add(outcome, canonical.checks)
            checks = canonical.checks
            if tally is not None:
                tally.add(valid["__status"], valid["__class"])
                valid = valid.filter(pl.col("__class") != "excluded")
            outputs.write_valid(
                _output(valid, canonical),
                contract=partial(
                    check_processed, dimensions=canonical.dimensions, metrics=canonical.metrics
                ),
            )
            if outcome.invalid_rows:
                outputs.write_rejected(
                    checked.source.with_row_index("row", offset=checked.first_row)
                    .with_columns(row=pl.col("row").cast(pl.Int64), errors=outcome.reasons)
                    .filter(outcome.invalid)
                )
    finally:
        outputs.close()
    if table.structure is not None:
        table.structure.result()
    report.rows_read = totals.rows
    report.counts_per_rule, report.examples = totals.counts, examples_json(totals.examples)
    report.columns = column_quality(
        outputs.nulls, totals.rows, source_targets(mapping), totals.counts
    )
    enforce_budget(totals, checks, settings.error_budget)
    if tally is not None:
        report.statuses = tally.as_report()
        report.rows_excluded = tally.excluded_rows
        report.warnings.extend(tally.warnings())

    processed = [keys.part(i) for i in range(len(outputs.parts))]
    _delete_parts(job.store, keys, keep=processed)  # an earlier attempt's extra parts
    for key, part in zip(processed, outputs.parts, strict=True):
        job.store.move_file(key, part)
    rejected_key = None
    if outputs.rejected_rows:
        job.store.move_file(keys.rejected_rows, outputs.rejected)
        rejected_key = keys.rejected_rows
    else:
        job.store.delete(keys.rejected_rows)
    flat = mapping.as_flat()
    remember(job.store, job.uploaded.datasource, table.columns, flat, job.task_id)
    start, end = outputs.interval()
    report.status = "validated"
    report.rows_valid, report.rows_rejected = outputs.rows, totals.invalid_rows
    report.interval = [start.isoformat(), end.isoformat()]
    report.score = round(1 - totals.invalid_rows / max(1, totals.rows), 4)
    job.store.put_bytes(keys.report, report.model_dump_json(indent=2).encode())
    return Validated(
        processed_keys=processed,
        row_count=outputs.rows,
        rows_rejected=totals.invalid_rows,
        columns=_columns(mapping),
        interval_start=start,
        interval_end=end,
        report_key=keys.report,
        rejected_key=rejected_key,
        rows_read=totals.rows,
        mapping={k: v for k, v in flat.items() if v},
        date_formats=plan.date_formats,
    )


def _delete_parts(store: ObjectStore, keys: Keys, keep: list[str] | None = None) -> None:
    for key in store.list(keys.parts_prefix):
        if key not in (keep or []):
            store.delete(key)


def _mapping(job: Job, table: Table, settings: ValidatorSettings) -> Mapping:
    """The user's mapping, else the one remembered for this header, over the automatic proposal."""
    day_first, dc = settings.day_first, settings.decimal_comma
    if job.uploaded.mapping:
        job.report.mapping_source = "upload"
        return propose_mapping(
            table.sample, day_first=day_first, decimal_comma=dc, fixed=dict(job.uploaded.mapping)
        )
    remembered = recall(job.store, job.uploaded.datasource, table.columns)
    if remembered:
        try:
            mapping = propose_mapping(
                table.sample, day_first=day_first, decimal_comma=dc, fixed=remembered
            )
        except InputRejected as exc:
            log.warning("remembered_mapping_unusable", reason=exc.message)
        else:
            job.report.mapping_source = "remembered"
            return mapping
    job.report.mapping_source = "automatic"
    return propose_mapping(table.sample, day_first=day_first, decimal_comma=dc)


def _kind_of(uploaded: FileUploaded) -> FileKind:
    kind = uploaded.file_kind or FileKind.of_content_type(uploaded.content_type)
    if kind is None:
        raise rejected(
            Code.UNSUPPORTED_FORMAT,
            "The upload did not say what kind of file this is.",
            "Upload the file again.",
        )
    return kind


def _read(
    path: Path, kind: FileKind, settings: ValidatorSettings, workdir: Path, sheet: str | None
) -> Table:
    try:
        return read_table(path, kind, settings, score=header_score, workdir=workdir, sheet=sheet)
    except pl.exceptions.PolarsError as exc:
        raise _unreadable(exc, workdir) from exc


def _unreadable(exc: Exception, workdir: Path) -> InputRejected:
    """A file Polars could not read or write: the user's, unless the disk is what failed.

    Polars reports a full disk as one of its own errors, so the free space decides, not the
    message: a disk with next to nothing left is a system failure (retried, then failed with
    `storage_full`), never a reason to reject the user's file."""
    if shutil.disk_usage(workdir).free < NEARLY_FULL_BYTES:
        raise StorageFull("The validated file") from exc
    return rejected(
        Code.UNREADABLE_FILE,
        f"The file could not be read as a table: {exc}".split("\n")[0],
        "Export the file again as CSV (UTF-8) or .xlsx and upload it again.",
    )


NEARLY_FULL_BYTES = 64 * 1024


def _output(valid: pl.DataFrame, canonical: Canonical) -> pl.DataFrame:
    return valid.select(
        pl.col(TIME),
        *(pl.col(d).cast(pl.String) for d in canonical.dimensions),
        pl.col(UPLOAD_ID),
        *(pl.col(m).cast(pl.Float64) for m in canonical.metrics),
    )


def _columns(mapping: Mapping) -> list[ColumnInfo]:
    dimensions, metrics = output_names(mapping)
    return [
        ColumnInfo(name=TIME, type="timestamp", role="time"),
        *(ColumnInfo(name=d, type="string", role="dimension") for d in dimensions),
        ColumnInfo(name=UPLOAD_ID, type="string", role="dimension"),
        *(ColumnInfo(name=m, type="double", role="metric") for m in metrics),
    ]
