"""`parquet` input format: DuckDB's native reader (columns keep their Parquet types)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from mauzo_olap_lite.formats.base import file_list


@dataclass(frozen=True)
class ParquetFormat:
    def relation(self, files: list[Path], cur: duckdb.DuckDBPyConnection) -> str:
        return f"read_parquet({file_list(files)}, union_by_name = true, binary_as_string = true)"


def parquet_format(config: dict[str, Any]) -> ParquetFormat:
    if config.get("flattenSpec"):
        raise ValueError("parquet flattenSpec is not supported")
    return ParquetFormat()
