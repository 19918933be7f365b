"""Reading delimited text (CSV, semicolon, tab, pipe) into an all-string Polars frame.

The structure is checked record by record first (quoted delimiters, newlines and doubled quotes
honoured) so that a ragged row is reported with its line number instead of being silently padded or
truncated; Polars then reads the same bytes fast with every cell kept as text, so that numbers and
dates are parsed by the validator's own rules and every bad cell can be reported.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import polars as pl

from mauzo_validator.encoding import decode
from mauzo_validator.errors import Code, rejected
from mauzo_validator.headers import Header, clean_header
from mauzo_validator.sniffing import sniff_delimiter

_LONE_CR = re.compile(rb"\r(?!\n)")


@dataclass(frozen=True)
class DelimitedText:
    frame: pl.DataFrame
    encoding: str
    delimiter: str
    header: Header


def read_delimited(data: bytes, *, max_columns: int, max_field_bytes: int) -> DelimitedText:
    if not data.strip():
        raise rejected(
            Code.EMPTY_FILE,
            "The file is empty.",
            "Export the sales data again; the file you uploaded has no content.",
        )
    decoded = decode(data)
    body = decoded.data
    if b"\r" in body and _LONE_CR.search(body):
        body = _LONE_CR.sub(b"\n", body)
    text = body.decode("utf-8")
    if not text.strip():
        raise rejected(Code.EMPTY_FILE, "The file holds only whitespace.", "Export the data again.")
    delimiter = sniff_delimiter(text[: 256 * 1024])
    header = _check_structure(text, delimiter, max_columns, max_field_bytes)
    placeholders = [f"__c{i}" for i in range(len(header.names))]
    frame = pl.read_csv(
        body,
        separator=delimiter,
        has_header=True,
        new_columns=placeholders,
        infer_schema=False,
        truncate_ragged_lines=True,
        quote_char='"',
    )
    frame = frame.select(pl.col(placeholders[i]).alias(header.names[i]) for i in header.keep)
    return DelimitedText(frame, decoded.encoding, delimiter, header)


def _check_structure(text: str, delimiter: str, max_columns: int, max_field_bytes: int) -> Header:
    csv.field_size_limit(max_field_bytes)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        raw = next((r for r in reader if r), None)
        if raw is None:
            raise rejected(Code.EMPTY_FILE, "The file has no header row.", "Export the data again.")
        header = clean_header(raw, max_columns)
        width, full = (header.keep[-1] + 1 if header.keep else 0), len(raw)
        rows, ragged, first = 0, 0, ""
        for record in reader:
            if not record or (len(record) == 1 and not record[0].strip()):
                continue
            rows += 1
            n = len(record)
            if (
                n == full
                or (width <= n < full)
                or (n > full and not "".join(record[full:]).strip())
            ):
                continue
            ragged += 1
            if not first:
                first = f"Row {rows} (line {reader.line_num}) has {n} fields; the header has {full}"
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise rejected(
                Code.LINE_TOO_LONG,
                f"Near line {reader.line_num} one cell is longer than {max_field_bytes} bytes.",
                "Check for a missing closing quote or a pasted blob; cells must be short values.",
            ) from exc
        raise rejected(
            Code.UNREADABLE_FILE,
            f"The text could not be split into rows near line {reader.line_num}: {exc}.",
            "Export the file again as CSV with quoted text fields.",
        ) from exc
    if rows == 0:
        raise rejected(
            Code.HEADER_ONLY,
            "The file has a header row but no data rows.",
            "Export the data again including the rows, not only the column names.",
        )
    if ragged:
        raise rejected(
            Code.RAGGED_ROWS,
            f"{first}; {ragged} row(s) do not match the header.",
            "A cell probably contains the delimiter without quotes; quote such cells or export "
            "the file again from the source system.",
        )
    return header
