"""`csv` and `tsv` input formats: every value is a string, as in Druid's text readers.

CSV follows Druid's SQL-compatible null semantics: an empty unquoted field is NULL and a quoted
`""` is the empty string. `skipHeaderRows` is applied before the header is read; when both
`columns` and `findColumnsFromHeader` are given, the header wins. TSV does not treat quotes.
Like Druid's readers, a line with more fields than the columns keeps its leading fields
(extra_fields) and a short line keeps the missing ones null.

`listDelimiter` (default U+0001, as in Druid) splits a value into a multi-value string: a column
in which any value holds the delimiter is read as VARCHAR[] (every row of it a list).
"""

from __future__ import annotations

import csv
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from mauzo_olap_lite.database import quote_ident, quote_str
from mauzo_olap_lite.formats.extra_fields import TOO_MANY, recovered_table


@dataclass(frozen=True)
class DelimitedFormat:
    delimiter: str
    quoted: bool
    columns: tuple[str, ...]
    header: bool
    skip: int
    list_delimiter: str = "\u0001"

    rejects: str = field(default_factory=lambda: f"__olap_rejects_{uuid.uuid4().hex}")

    def relation(self, files: list[Path], cur: duckdb.DuckDBPyConnection) -> str:
        reads = [r for r in (self._read(f, cur) for f in files) if r is not None]
        if not reads:
            return "(SELECT NULL AS __no_fields WHERE FALSE)"
        parts = [sql for _, _, sql in reads]
        hits = self._scan(cur, _union(parts))  # also records the lines the reader rejects
        extra = self._recovered(cur, {str(path): columns for path, columns, _ in reads})
        if extra:
            found = self._scan(cur, _union(extra))
            hits = {n: hits.get(n, False) or found.get(n, False) for n in hits | found}
            parts += extra
        base = _union(parts)
        multi = [n for n, hit in hits.items() if hit]
        if not multi:
            return base
        delim = quote_str(self.list_delimiter)
        split = ", ".join(
            f"string_split({quote_ident(n)}, {delim}) AS {quote_ident(n)}" for n in multi
        )
        return f"(SELECT * REPLACE ({split}) FROM {base})"

    def rejected(self, cur: duckdb.DuckDBPyConnection) -> list[str]:
        """The lines the reader could not parse (a broken quote), once each; lines that only had
        too many fields were read by `relation` (extra_fields)."""
        rows = self._rejected_lines(cur, extra_fields=False)
        return [line for _, line in rows]

    def _scan(self, cur: duckdb.DuckDBPyConnection, relation: str) -> dict[str, bool]:
        """One pass over every field: which columns hold the list delimiter (multi-value)."""
        names = [str(r[0]) for r in cur.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()]
        delim = quote_str(self.list_delimiter)
        if self.list_delimiter:
            probes = [f"bool_or(contains({quote_ident(n)}, {delim}))" for n in names]
        else:
            probes = [f"count({quote_ident(n)}) < 0" for n in names]
        # fetchall: the reader stores its rejected lines only once the result is consumed
        [found] = cur.execute(f"SELECT {', '.join(probes)} FROM {relation}").fetchall()
        return {n: bool(hit) for n, hit in zip(names, found, strict=True)}

    def _recovered(
        self, cur: duckdb.DuckDBPyConnection, columns: dict[str, list[str]]
    ) -> list[str]:
        by_file: dict[str, list[str]] = {}
        for path, line in self._rejected_lines(cur, extra_fields=True):
            by_file.setdefault(path, []).append(line)
        return [
            recovered_table(
                cur, f"{self.rejects}_extra_{i}", columns[path], lines, self.delimiter, self.quoted
            )
            for i, (path, lines) in enumerate(by_file.items())
        ]

    def _rejected_lines(
        self, cur: duckdb.DuckDBPyConnection, *, extra_fields: bool
    ) -> list[tuple[str, str]]:
        """(file, line) of each rejected line; with `extra_fields`, the lines whose only fault is
        having more fields than the columns, otherwise the others."""
        only_extra = f"bool_and(e.error_type::VARCHAR = {quote_str(TOO_MANY)})"
        try:
            rows = cur.execute(
                f"SELECT s.file_path, min(e.csv_line) FROM {self.rejects}_errors e "
                f"JOIN {self.rejects}_scans s USING (scan_id, file_id) "
                f"GROUP BY s.file_path, e.line HAVING {only_extra} = {str(extra_fields).upper()} "
                "ORDER BY s.file_path, e.line"
            ).fetchall()
        except duckdb.CatalogException:  # nothing was read, or nothing rejected
            return []
        return [(str(r[0]), str(r[1]).rstrip("\r\n")) for r in rows]

    def _read(
        self, path: Path, cur: duckdb.DuckDBPyConnection
    ) -> tuple[Path, list[str], str] | None:
        """One file with explicit columns (no dialect sniffing, which a broken line defeats)."""
        columns = list(self.columns)
        skip = self.skip
        if self.header:
            line = _raw_line(path, skip, cur)
            if line is None:
                return None
            columns = self._split(line)
            skip += 1
        names = ", ".join(f"{quote_str(c)}: 'VARCHAR'" for c in columns)
        quote = "quote = '\"', escape = '\"'" if self.quoted else "quote = '', escape = ''"
        return (
            path,
            columns,
            (
                f"read_csv({quote_str(str(path))}, auto_detect = false, header = false, "
                f"delim = {quote_str(self.delimiter)}, skip = {skip}, columns = {{{names}}}, "
                f"{quote}, null_padding = true, allow_quoted_nulls = false, ignore_errors = true, "
                f"store_rejects = true, rejects_table = {quote_str(self.rejects + '_errors')}, "
                f"rejects_scan = {quote_str(self.rejects + '_scans')})"
            ),
        )

    def _split(self, line: str) -> list[str]:
        if self.quoted:
            return next(csv.reader([line], delimiter=self.delimiter))
        return line.split(self.delimiter)


def _union(relations: list[str]) -> str:
    return "(" + " UNION ALL BY NAME ".join(f"SELECT * FROM {r}" for r in relations) + ")"


def _raw_line(path: Path, skip: int, cur: duckdb.DuckDBPyConnection) -> str | None:
    """Line `skip` of the file, as text (DuckDB decompresses .gz / .zst)."""
    row = cur.execute(
        f"SELECT l FROM read_csv({quote_str(str(path))}, auto_detect = false, header = false, "
        f"delim = '\x01\x02', quote = '', escape = '', columns = {{'l': 'VARCHAR'}}, "
        f"skip = {skip}) LIMIT 1"
    ).fetchone()
    return None if row is None or row[0] is None else str(row[0])


def _build(config: dict[str, Any], delimiter: str, quoted: bool) -> DelimitedFormat:
    header = bool(config.get("findColumnsFromHeader", config.get("hasHeaderRow", False)))
    columns = tuple(str(c) for c in config.get("columns") or [])
    if not header and not columns:
        raise ValueError(
            "If columns field is not set, the first row of your data must have your header "
            "and findColumnsFromHeader must be set to true."
        )
    skip = int(config.get("skipHeaderRows") or 0)
    list_delimiter = config.get("listDelimiter")
    return DelimitedFormat(
        delimiter,
        quoted,
        columns,
        header,
        skip,
        "\u0001" if list_delimiter is None else str(list_delimiter),
    )


def csv_format(config: dict[str, Any]) -> DelimitedFormat:
    return _build(config, ",", quoted=True)


def tsv_format(config: dict[str, Any]) -> DelimitedFormat:
    delimiter = str(config.get("delimiter") or "\t")
    if len(delimiter) != 1:
        raise ValueError("delimiter must be a single character")
    return _build(config, delimiter, quoted=False)
