"""Reading delimited text (CSV, semicolon, tab, pipe) as all-string Polars batches, streaming.

The file is first made clean UTF-8 on disk (transcoding.py); its delimiter is sniffed from the
head and its header read record-wise. Polars then scans the file lazily with an explicit all-string
schema and yields bounded batches, every cell kept as text so that numbers and dates are parsed by
the validator's own rules; the record-by-record structure check (structure.py) runs beside it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from mauzo_validator.errors import Code, rejected
from mauzo_validator.headers import Header, clean_header
from mauzo_validator.sniffing import sniff_delimiter
from mauzo_validator.structure import StructureCheck
from mauzo_validator.transcoding import to_utf8

_SNIFF_BYTES = 256 * 1024


@dataclass(frozen=True)
class DelimitedSource:
    path: Path
    """The UTF-8 text (the upload itself when it already was clean UTF-8)."""
    encoding: str
    delimiter: str
    header: Header
    header_lines: int

    @property
    def columns(self) -> list[str]:
        return [self.header.names[i] for i in self.header.keep]

    def _scan(self, n_rows: int | None = None) -> pl.LazyFrame:
        placeholders = [f"__c{i}" for i in range(len(self.header.names))]
        scan = pl.scan_csv(
            self.path,
            n_rows=n_rows,
            has_header=False,
            separator=self.delimiter,
            schema=dict.fromkeys(placeholders, pl.String),
            skip_lines=self.header_lines,
            truncate_ragged_lines=True,
            missing_columns="insert",
            extra_columns="ignore",
            quote_char='"',
        )
        kept = [pl.col(placeholders[i]).alias(self.header.names[i]) for i in self.header.keep]
        blank = pl.all_horizontal(
            pl.col(p).is_null() | (pl.col(p).str.strip_chars() == "") for p in placeholders
        )
        return scan.filter(~blank).select(kept)

    def sample(self, rows: int) -> pl.DataFrame:
        # The blank-row filter stops Polars from pushing `head` into the scan, so it would parse
        # the whole file; a bounded scan reads only the start (the full one only when blank
        # lines are so many that the start holds too few rows, or the file is that short).
        quick = self._scan(n_rows=2 * rows).head(rows).collect()
        return quick if quick.height >= rows else self._scan().head(rows).collect()

    def batches(self, rows: int) -> Iterator[pl.DataFrame]:
        yield from self._scan().collect_batches(chunk_size=rows, maintain_order=True)

    def structure_check(self, max_field_bytes: int) -> StructureCheck:
        keep = self.header.keep
        return StructureCheck(
            self.path,
            self.delimiter,
            width=keep[-1] + 1 if keep else 0,
            full=len(self.header.names),
            max_field_bytes=max_field_bytes,
        )


def open_delimited(
    path: Path, workdir: Path, *, max_columns: int, max_line_bytes: int
) -> DelimitedSource:
    text = to_utf8(path, workdir, max_line=max_line_bytes)
    with text.path.open(encoding="utf-8", newline="") as handle:
        head = handle.read(_SNIFF_BYTES)
        if not head.strip():
            raise rejected(
                Code.EMPTY_FILE, "The file holds only whitespace.", "Export the data again."
            )
        delimiter = sniff_delimiter(head)
        handle.seek(0)
        reader = csv.reader(handle, delimiter=delimiter)
        try:
            raw = next((r for r in reader if r), None)
        except csv.Error as exc:
            raise rejected(
                Code.UNREADABLE_FILE,
                f"The header row could not be read: {exc}.",
                "Export the file again as CSV with quoted text fields.",
            ) from exc
        if raw is None:
            raise rejected(Code.EMPTY_FILE, "The file has no header row.", "Export the data again.")
        header = clean_header(raw, max_columns)
        return DelimitedSource(text.path, text.encoding, delimiter, header, reader.line_num)
