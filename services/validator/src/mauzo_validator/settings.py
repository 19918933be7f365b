"""The validator's own settings (MAUZO_* environment variables) on top of the shared base."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from mauzo_common.settings import MauzoSettings


class ValidatorSettings(MauzoSettings):
    error_budget: float = Field(
        0.05, ge=0, le=1, description="Reject the file when more than this share of rows is invalid"
    )
    day_first: bool = Field(True, description="How to read a date column whose days are all <= 12")
    decimal_comma: bool = Field(False, description="Numbers are written 1.200,50")
    excel_1904: bool = Field(False, description="Excel serial days count from 1904-01-01")
    future_tolerance_days: float = Field(
        2, ge=0, description="Rows dated later than now + this are flagged as future"
    )
    max_columns: int = Field(1000, gt=0)
    max_field_bytes: int = Field(1 << 20, gt=0, description="Longest single cell accepted")
    max_line_bytes: int = Field(
        1 << 20, gt=0, description="Longest physical line of delimited text, checked streaming"
    )
    max_unzipped_bytes: int = Field(1 << 30, gt=0, description="Largest decompressed Excel file")
    sample_rows: int = Field(2000, gt=0, description="Rows looked at to detect formats and roles")
    report_examples: int = Field(50, ge=0, description="Error examples kept in the quality report")
    batch_rows: int = Field(
        250_000, gt=0, description="Rows per batch: bounds the memory used on a big file"
    )
    batch_workers: int = Field(
        2, ge=1, description="Batches checked at once (each one in flight holds a batch)"
    )
    work_dir: Path | None = Field(
        None,
        description="Scratch space for files being validated (default: `work` beside a local "
        "object store's root, so finished parts are renamed into it, not copied; with S3 the "
        "system's temporary directory)",
    )
    analyze_max_bytes: int = Field(
        500 * 1024 * 1024, gt=0, description="Largest file accepted by analyze-schema"
    )
    analyze_rows: int = Field(100_000, gt=0, description="Rows analyze-schema profiles")

    def scratch_dir(self) -> Path | None:
        """`work_dir`, else `work` beside a local object store's root (one filesystem, so a
        finished file is renamed into the store), else None: the system's temporary directory."""
        if self.work_dir is None and self.object_store != "local":
            return None
        path = self.work_dir or self.objects_root.parent / "work"
        path.mkdir(parents=True, exist_ok=True)
        return path

    stream_enabled: bool = Field(
        True, description="Run the stream stage (mauzo.sales-events.v1) beside the file consumer"
    )
    # A batch has a fixed cost (a few dozen Polars plans, two SQLite transactions, its counts
    # published): at 20 000 a record validates ~20% faster than at 5 000 when a backlog waits.
    stream_batch_records: int = Field(
        20_000, gt=0, description="Most records one stream micro-batch validates at once"
    )
    stream_dedupe_days: float = Field(
        8, ge=7, description="How long a streamed event id is remembered (at least 7 days)"
    )
    stream_dedupe_path: Path | None = Field(
        None, description="SQLite file of seen event ids (default: stream-events.db in data_dir)"
    )

    def dedupe_path(self) -> Path:
        return self.stream_dedupe_path or self.data_dir / "stream-events.db"
