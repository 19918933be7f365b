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
