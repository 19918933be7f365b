"""`csv` and `tsv` input formats: every value is a string, as in Druid's text readers.

CSV follows Druid's SQL-compatible null semantics: an empty unquoted field is NULL and a quoted
`""` is the empty string. `skipHeaderRows` is applied before the header is read; when both
`columns` and `findColumnsFromHeader` are given, the header wins. TSV does not treat quotes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from mauzo_olap_lite.database import quote_str
from mauzo_olap_lite.formats.base import file_list


@dataclass(frozen=True)
class DelimitedFormat:
    delimiter: str
    quoted: bool
    columns: tuple[str, ...]
    header: bool
    skip: int

    def relation(self, files: list[Path], cur: duckdb.DuckDBPyConnection) -> str:
        options = [
            f"delim = {quote_str(self.delimiter)}",
            f"header = {str(self.header).lower()}",
            f"skip = {self.skip}",
            "all_varchar = true",
            "null_padding = true",
            "allow_quoted_nulls = false",
            "union_by_name = true" if self.header else "union_by_name = false",
        ]
        if self.quoted:
            options += ["quote = '\"'", "escape = '\"'"]
        else:
            options += ["quote = ''", "escape = ''"]
        if not self.header:
            names = ", ".join(quote_str(c) for c in self.columns)
            options.append(f"names = [{names}]")
        return f"read_csv({file_list(files)}, {', '.join(options)})"


def _build(config: dict[str, Any], delimiter: str, quoted: bool) -> DelimitedFormat:
    header = bool(config.get("findColumnsFromHeader", config.get("hasHeaderRow", False)))
    columns = tuple(str(c) for c in config.get("columns") or [])
    if not header and not columns:
        raise ValueError(
            "If columns field is not set, the first row of your data must have your header "
            "and findColumnsFromHeader must be set to true."
        )
    skip = int(config.get("skipHeaderRows") or 0)
    return DelimitedFormat(delimiter, quoted, columns, header, skip)


def csv_format(config: dict[str, Any]) -> DelimitedFormat:
    return _build(config, ",", quoted=True)


def tsv_format(config: dict[str, Any]) -> DelimitedFormat:
    delimiter = str(config.get("delimiter") or "\t")
    if len(delimiter) != 1:
        raise ValueError("delimiter must be a single character")
    return _build(config, delimiter, quoted=False)
