"""The interface every input format implements."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

import duckdb

from mauzo_olap_lite.database import quote_str


class InputFormat(Protocol):
    def relation(self, files: list[Path], cur: duckdb.DuckDBPyConnection) -> str:
        """A DuckDB table expression (usable after FROM) over the files' rows."""
        ...


class InputFormatFactory(Protocol):
    def __call__(self, config: dict[str, Any]) -> InputFormat: ...


def file_list(files: list[Path]) -> str:
    return "[" + ", ".join(quote_str(str(f)) for f in files) + "]"


def rejected_lines(fmt: InputFormat, cur: duckdb.DuckDBPyConnection) -> list[str]:
    """The input lines a format's reader could not parse (read after the relation was scanned);
    formats without such lines (Parquet, JSON) have no `rejected`."""
    method = getattr(fmt, "rejected", None)
    return [] if method is None else list(method(cur))
