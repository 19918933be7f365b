"""Lines with more fields than the header / `columns`: Druid keeps the leading fields and drops the
rest (its readers zip the column names with the values and omit the excess, `Utils.zipMapPartial`).

DuckDB's strict reader rejects such a line (and a non-strict one would also swallow broken quotes),
so the rejected lines of this kind are split here and given back as rows of a temporary table.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from mauzo_olap_lite.database import quote_ident

TOO_MANY = "TOO MANY COLUMNS"


def split_fields(line: str, delimiter: str, quoted: bool) -> list[str | None]:
    """The fields of one line with the reader's null semantics: an empty unquoted field is null,
    a quoted `""` the empty string, `""` inside quotes one quote; TSV treats quotes as text."""
    if not quoted:
        return [f or None for f in line.split(delimiter)]
    fields: list[str | None] = []
    value: list[str] = []
    was_quoted = in_quotes = False
    i = 0
    while i < len(line):
        ch = line[i]
        if in_quotes:
            if ch == '"' and line[i + 1 : i + 2] == '"':
                value.append('"')
                i += 1
            elif ch == '"':
                in_quotes = False
            else:
                value.append(ch)
        elif ch == '"':
            in_quotes = was_quoted = True
        elif ch == delimiter:
            fields.append("".join(value) if value or was_quoted else None)
            value, was_quoted = [], False
        else:
            value.append(ch)
        i += 1
    fields.append("".join(value) if value or was_quoted else None)
    return fields


def recovered_table(
    cur: duckdb.DuckDBPyConnection,
    name: str,
    columns: Sequence[str],
    lines: Sequence[str],
    delimiter: str,
    quoted: bool,
) -> str:
    """A temporary table (the task's connection only) of the lines' leading fields."""
    width = len(columns)
    defs = ", ".join(f"{quote_ident(c)} VARCHAR" for c in columns)
    cur.execute(f"CREATE OR REPLACE TEMP TABLE {quote_ident(name)} ({defs})")
    rows = [split_fields(line, delimiter, quoted)[:width] for line in lines]
    cur.executemany(
        f"INSERT INTO {quote_ident(name)} VALUES ({', '.join('?' * width)})",
        [r + [None] * (width - len(r)) for r in rows],
    )
    return quote_ident(name)
