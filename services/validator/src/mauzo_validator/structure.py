"""The record-by-record structure check of a delimited file, run beside the Polars read.

Quoted delimiters, newlines and doubled quotes are honoured, so a ragged row is reported with its
line number instead of being silently padded or truncated, and an over-long cell (often a missing
closing quote) is refused. It streams the file (bounded memory) in a background thread; `result()`
joins it.

Two passes, so that a good file costs little: Arrow's C++ CSV reader counts every record's fields
without holding the GIL (so the Polars work on the batches keeps both cores), and only when it sees
a record that breaks the rules does Python's csv module walk the file again to say exactly which
row and line, with what it found. Python's reading is the reference: the fast pass only decides
whether the exact one is needed.
"""

from __future__ import annotations

import csv
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv

from mauzo_common.errors import InputRejected
from mauzo_validator.errors import Code, rejected


class StructureCheck:
    def __init__(
        self,
        path: Path,
        delimiter: str,
        *,
        width: int,
        full: int,
        max_field_bytes: int,
        quoted: bool = True,
    ) -> None:
        self._path, self._delimiter, self._quoted = path, delimiter, quoted
        self._width, self._full, self._max_field = width, full, max_field_bytes
        self._stop = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="structure-check", daemon=True)

    def start(self) -> StructureCheck:
        self._thread.start()
        return self

    def result(self) -> None:
        """Wait for the check; raise `InputRejected` when the file's structure is broken."""
        self._thread.join()
        if self._error is not None:
            raise self._error

    def cancel(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        try:
            if self._suspicious():
                self._check()
        except (InputRejected, OSError, ValueError) as exc:
            self._error = exc

    def _acceptable(self, fields: int, text: str) -> bool:
        """Whether a record whose field count differs from the header's still fits it."""
        if fields == 1 and not text.strip():
            return True  # a blank line
        if self._width <= fields < self._full:
            return True  # only trailing header-less columns are missing
        if fields > self._full:
            record = next(csv.reader([text], delimiter=self._delimiter), [])
            return not "".join(record[self._full :]).strip()
        return False

    def _suspicious(self) -> bool:
        """The fast pass: whether any record breaks the rules (or Arrow cannot split the text)."""
        names = [f"c{i}" for i in range(self._full)]
        broken = False

        def on_invalid(row: pa_csv.InvalidRow) -> str:
            nonlocal broken
            broken = broken or not self._acceptable(row.actual_columns, row.text or "")
            return "skip"

        try:
            reader = pa_csv.open_csv(
                self._path,
                read_options=pa_csv.ReadOptions(
                    column_names=names, block_size=max(2 << 20, 2 * self._max_field)
                ),
                parse_options=pa_csv.ParseOptions(
                    delimiter=self._delimiter,
                    # Splitting on every newline is much faster and, with no quote in the
                    # file, no cell can hold one.
                    newlines_in_values=self._quoted,
                    invalid_row_handler=on_invalid,
                ),
                convert_options=pa_csv.ConvertOptions(
                    # Every field is still split and counted; only one column is kept, so the
                    # pass costs little memory beside the batches the validator holds.
                    column_types={names[0]: pa.string()},
                    include_columns=names[:1],
                    check_utf8=False,
                ),
            )
            for _ in reader:  # the header is a record with the header's field count
                if broken or self._stop.is_set():
                    break
        except pa.ArrowInvalid:
            return True  # e.g. a cell spanning a whole block: a missing closing quote
        return broken

    def _check(self) -> None:
        csv.field_size_limit(self._max_field)
        width, full, stop = self._width, self._full, self._stop
        with self._path.open(encoding="utf-8", newline="") as text:
            reader = csv.reader(text, delimiter=self._delimiter)
            try:
                next(r for r in reader if r)  # the header, already read and cleaned
                rows, ragged, first = 0, 0, ""
                for record in reader:
                    if stop.is_set():
                        return
                    n = len(record)
                    if n == full:
                        rows += 1
                        continue
                    if not record or (n == 1 and not record[0].strip()):
                        continue
                    rows += 1
                    if (width <= n < full) or (n > full and not "".join(record[full:]).strip()):
                        continue
                    ragged += 1
                    if not first:
                        first = (
                            f"Row {rows} (line {reader.line_num}) has {n} fields; "
                            f"the header has {full}"
                        )
            except csv.Error as exc:
                # The lenient reader has one complaint left about text lines read with
                # newline="" (every line ending splits, NUL is read since 3.11): a cell past the
                # field size limit. csv gives no code for it, so the message is not consulted.
                raise rejected(
                    Code.LINE_TOO_LONG,
                    f"Near line {reader.line_num} one cell is longer than {self._max_field} bytes.",
                    "Check for a missing closing quote or a pasted blob; cells must be short "
                    "values.",
                ) from exc
        self._check_quotes_close()  # an open quote explains any ragged row it causes
        if ragged:
            raise rejected(
                Code.RAGGED_ROWS,
                f"{first}; {ragged} row(s) do not match the header.",
                "A cell probably contains the delimiter without quotes; quote such cells or "
                "export the file again from the source system.",
            )

    def _check_quotes_close(self) -> None:
        """A quoted cell still open at the end of the file swallowed every line after it.

        The lenient reader above keeps such a cell (so the field counts look right); the strict
        one says where it began.
        """
        with self._path.open(encoding="utf-8", newline="") as text:
            lines = _Lines(text)
            reader = csv.reader(lines, delimiter=self._delimiter, strict=True)
            start = 1
            try:
                for _ in reader:
                    start = reader.line_num + 1
            except csv.Error as exc:
                if not lines.ran_out:
                    return  # stray quotes inside a cell: read leniently, as before
                raise rejected(
                    Code.UNCLOSED_QUOTE,
                    f"A quoted cell that starts on line {start} is never closed, so every line "
                    "after it would be read as part of that cell.",
                    'Add the missing closing quote (") on that line, or export the file again '
                    "from the source system.",
                ) from exc


class _Lines:
    """A file's lines that remember running out. The strict reader complains after the last
    line only about a quoted cell still open; any other complaint comes while a line is read."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self.ran_out = False

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        try:
            return next(self._lines)
        except StopIteration:
            self.ran_out = True
            raise
