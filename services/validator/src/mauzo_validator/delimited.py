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

from mauzo_validator.dialect import sniff_delimiter
from mauzo_validator.errors import Code, rejected
from mauzo_validator.headers import Header, clean_header
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
    quoted: bool = True

    @property
    def columns(self) -> list[str]:
        return [self.header.names[i] for i in self.header.keep]

    @property
    def _placeholders(self) -> list[str]:
        return [f"__c{i}" for i in range(len(self.header.names))]

    def _raw(self, n_rows: int | None = None) -> pl.LazyFrame:
        return pl.scan_csv(
            self.path,
            n_rows=n_rows,
            has_header=False,
            separator=self.delimiter,
            schema=dict.fromkeys(self._placeholders, pl.String),
            skip_lines=self.header_lines,
            truncate_ragged_lines=True,
            missing_columns="insert",
            extra_columns="ignore",
            quote_char='"',
        )

    def _kept(self) -> list[pl.Expr]:
        names, placeholders = self.header.names, self._placeholders
        return [pl.col(placeholders[i]).alias(names[i]) for i in self.header.keep]

    def sample(self, rows: int) -> pl.DataFrame:
        # The blank-row filter stops Polars from pushing `head` into the scan, so it would parse
        # the whole file; a bounded scan reads only the start (the full one only when blank
        # lines are so many that the start holds too few rows, or the file is that short).
        def scan(n_rows: int | None) -> pl.LazyFrame:
            blank = pl.all_horizontal(_blank(pl.col(p)) for p in self._placeholders)
            return self._raw(n_rows).filter(~blank).select(self._kept())

        quick = scan(2 * rows).head(rows).collect()
        return quick if quick.height >= rows else scan(None).head(rows).collect()

    def batches(self, rows: int) -> Iterator[pl.DataFrame]:
        for batch in self._raw().collect_batches(chunk_size=rows, maintain_order=True):
            yield _without_blank_rows(batch).select(self._kept())

    def structure_check(self, max_field_bytes: int) -> StructureCheck:
        keep = self.header.keep
        return StructureCheck(
            self.path,
            self.delimiter,
            width=keep[-1] + 1 if keep else 0,
            full=len(self.header.names),
            max_field_bytes=max_field_bytes,
            quoted=self.quoted,
        )


def _blank(cell: pl.Expr) -> pl.Expr:
    return cell.is_null() | (cell.str.strip_chars() == "")


def _without_blank_rows(batch: pl.DataFrame) -> pl.DataFrame:
    """The batch without blank lines (every cell empty or whitespace).

    Only rows whose first cell is blank can be blank lines, so the other cells are looked at for
    those rows alone: checking every cell of every row cost more than reading the batch.
    """
    first = batch.to_series(0)
    candidates = batch.select(_blank(pl.col(first.name))).to_series().arg_true()
    if candidates.len() == 0:
        return batch
    blank = batch[candidates].select(pl.all_horizontal(_blank(pl.col(c)) for c in batch.columns))
    drop = candidates.filter(blank.to_series())
    if drop.len() == 0:
        return batch
    return batch.filter(pl.repeat(True, batch.height, eager=True).scatter(drop, False))


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
        return DelimitedSource(
            text.path, text.encoding, delimiter, header, reader.line_num, text.quoted
        )
