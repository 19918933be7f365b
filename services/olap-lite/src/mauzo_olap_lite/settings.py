"""olap-lite's own settings on top of the shared MauzoSettings (env prefix MAUZO_)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from mauzo_common.settings import MauzoSettings


class OlapLiteSettings(MauzoSettings):
    olap_lite_db_path: Path | None = Field(
        None, description="DuckDB file olap-lite owns (default: data_dir/olap-lite.duckdb)"
    )
    olap_lite_query_timeout_ms: int = Field(
        300_000,
        gt=0,
        description="Default SQL timeout (Druid's druid.server.http.defaultQueryTimeout)",
    )
    olap_lite_task_workers: int = Field(2, ge=1, description="Ingestion tasks run at once")
    olap_lite_threads: int | None = Field(None, ge=1, description="DuckDB threads (default: all)")
    olap_lite_memory_limit: str | None = Field(None, description="DuckDB memory_limit, e.g. '4GB'")
    # A checkpoint rewrites the last, partly filled row group of every table it touches: at
    # DuckDB's 16 MB a stream's small appends paid that again every few batches (a micro-batch
    # cost twice as much). 256 MB of log (~3M rows) is replayed in about a second on a restart.
    olap_lite_checkpoint_threshold: str = Field(
        "256MB",
        pattern=r"^[0-9]+(\.[0-9]+)? ?[KMGT]i?B$",
        description="Write-ahead log size that triggers a DuckDB checkpoint",
    )

    @property
    def db_path(self) -> Path:
        return (self.olap_lite_db_path or self.data_dir / "olap-lite.duckdb").resolve()
