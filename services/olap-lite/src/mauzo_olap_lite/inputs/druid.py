"""`druid` input source: re-read a datasource's current rows inside `interval` (reindexing).

Druid's DruidInputSource reads the segments of `dataSource` overlapping `interval` and hands the
rows on with `__time` as epoch milliseconds (docs/druid.md#input-sources-and-formats); a reindex
spec therefore uses timestampSpec {"column": "__time", "format": "millis"} and a transformSpec
filter to drop rows.
Here the rows come from olap-lite's own DuckDB file and are written to one Parquet work file, so
the spec's inputFormat must be {"type": "parquet"} (real Druid ignores an inputFormat for this
source). The file is written even when it holds no rows, so that a replace with dropExisting
still clears the chunks inside the intervals.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from mauzo_olap_lite.database import DuckDBConfig, connection_config, quote_ident, quote_str
from mauzo_olap_lite.inputs.base import InputError, InputFile
from mauzo_olap_lite.settings import OlapLiteSettings
from mauzo_olap_lite.timeutil.periods import Interval, parse_interval

TIME = '"__time"'


@dataclass(frozen=True)
class DruidInputSource:
    datasource: str
    interval: Interval
    columns: tuple[str, ...] | None  # dimensions + metrics to keep; None = every column
    db_path: Path
    db_config: DuckDBConfig

    def fetch(self, workdir: Path) -> list[InputFile]:
        path = workdir / "druid-input.parquet"
        # Same file and configuration as the server's own connection: DuckDB then hands out a
        # connection to the instance already open in this process instead of locking the file.
        conn = duckdb.connect(str(self.db_path), config=self.db_config)
        try:
            conn.execute("SET TimeZone = 'UTC'")
            present = self._present_columns(conn)
            if present is None:
                raise InputError(f"Datasource[{self.datasource}] does not exist")
            wanted = [c for c in present if c != "__time"]
            if self.columns is not None:
                wanted = [c for c in wanted if c in self.columns]
            selected = ", ".join(
                [f'CAST(epoch_ms({TIME}) AS BIGINT) AS "__time"'] + [quote_ident(c) for c in wanted]
            )
            conn.execute(
                f"COPY (SELECT {selected} FROM {quote_ident(self.datasource)} "
                f"WHERE {TIME} >= ? AND {TIME} < ? ORDER BY {TIME}) "
                f"TO {quote_str(str(path))} (FORMAT parquet)",
                [self.interval.start, self.interval.end],
            )
        except duckdb.Error as exc:
            raise InputError(f"Failed to read datasource[{self.datasource}]: {exc}") from exc
        finally:
            conn.close()
        uri = f"druid://{self.datasource}/{self.interval.druid()}"
        return [InputFile(path, uri, path.stat().st_size)]

    def _present_columns(self, conn: duckdb.DuckDBPyConnection) -> list[str] | None:
        rows = conn.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position",
            [self.datasource],
        ).fetchall()
        return [str(r[0]) for r in rows] or None


def druid_source(config: dict[str, Any], settings: OlapLiteSettings) -> DruidInputSource:
    datasource = config.get("dataSource")
    if not isinstance(datasource, str) or not datasource:
        raise ValueError("druid input source needs `dataSource`")
    interval = config.get("interval")
    if not isinstance(interval, str):
        raise ValueError("druid input source needs `interval` (segments are not supported)")
    if config.get("filter") is not None:
        raise ValueError("druid input source `filter` is not supported; use transformSpec.filter")
    names = [*(config.get("dimensions") or []), *(config.get("metrics") or [])]
    db_config = connection_config(
        settings.olap_lite_threads,
        settings.olap_lite_memory_limit,
        settings.olap_lite_checkpoint_threshold,
    )
    return DruidInputSource(
        datasource=datasource,
        interval=parse_interval(interval),
        columns=tuple(str(n) for n in names) if names else None,
        db_path=settings.db_path,
        db_config=db_config,
    )
