"""Any supported file in, one all-string Polars frame out (plus how it was read).

The container is the kind upload found in the bytes (`FileUploaded.file_kind`), never the name.
Every cell becomes text so that numbers and dates go through one set of parsing rules whatever
the format; Parquet and JSON lines keep their values, rendered as text.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from mauzo_common.errors import InputRejected
from mauzo_common.file_kinds import FileKind
from mauzo_validator.delimited import open_delimited
from mauzo_validator.errors import Code, rejected
from mauzo_validator.headers import clean_header
from mauzo_validator.settings import ValidatorSettings
from mauzo_validator.structure import StructureCheck
from mauzo_validator.transcoding import to_utf8

SheetScore = Callable[[list[str]], float]
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


@dataclass(frozen=True)
class Table:
    """A source table: its first rows for detection, and every row in bounded batches."""

    sample: pl.DataFrame
    kind: str
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    dropped_columns: list[str] = field(default_factory=list)
    batches: Callable[[int], Iterator[pl.DataFrame]] | None = None
    structure: StructureCheck | None = None
    whole: pl.DataFrame | None = None

    @property
    def columns(self) -> list[str]:
        return self.sample.columns

    def iter_batches(self, rows: int) -> Iterator[pl.DataFrame]:
        if self.batches is not None:
            yield from self.batches(rows)
        elif self.whole is not None:
            yield from self.whole.iter_slices(rows)


def read_table(
    path: Path,
    kind: FileKind,
    settings: ValidatorSettings,
    *,
    score: SheetScore,
    workdir: Path,
    sheet: str | None = None,
) -> Table:
    """The table in `path`, read as `kind`; for delimited text the structure check is started
    (caller joins)."""
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    if not head.strip() and path.stat().st_size <= len(head):
        raise rejected(
            Code.EMPTY_FILE,
            "The file is empty (0 bytes of data).",
            "Export the sales data again; the file you uploaded has no content.",
        )
    if kind is FileKind.CSV:
        source = open_delimited(
            path,
            workdir,
            max_columns=settings.max_columns,
            max_line_bytes=settings.max_line_bytes,
        )
        check = source.structure_check(settings.max_field_bytes).start()
        try:
            sample = source.sample(settings.sample_rows)
        except pl.exceptions.PolarsError:
            check.result()  # a broken structure explains why the text could not be read
            raise
        return Table(
            sample,
            "delimited",
            source.encoding,
            source.delimiter,
            dropped_columns=source.header.dropped,
            batches=source.batches,
            structure=check,
        )
    if kind is FileKind.PARQUET:
        return _lazy(pl.scan_parquet(path), "parquet", settings, _PARQUET_UNREADABLE)
    if kind is FileKind.NDJSON:
        text = to_utf8(path, workdir, max_line=settings.max_line_bytes)
        scan = pl.scan_ndjson(text.path, infer_schema_length=None)
        return _lazy(scan, "ndjson", settings, _NDJSON_UNREADABLE, encoding=text.encoding)
    data = path.read_bytes()
    if kind is FileKind.XLSX:
        _check_zip(data, settings.max_unzipped_bytes)
        return _read_excel(data, "xlsx", settings, score, sheet)
    if _ENCRYPTED in data:  # an encrypted .xlsx is an OLE container, as an .xls is
        raise rejected(
            Code.PASSWORD_PROTECTED,
            "The workbook is password-protected (encrypted), so it cannot be read.",
            "Open it in Excel, remove the password (File > Info > Protect Workbook) and upload "
            "it again, or save it as CSV.",
        )
    return _read_excel(data, "xls", settings, score, sheet)


def _eager(frame: pl.DataFrame, kind: str, settings: ValidatorSettings, **info: object) -> Table:
    return Table(frame.head(settings.sample_rows), kind, whole=frame, **info)  # type: ignore[arg-type]


_PARQUET_UNREADABLE = (
    "The Parquet file could not be read: {exc}.",
    "Write the file again with a standard Parquet writer.",
)
_NDJSON_UNREADABLE = (
    "The JSON lines could not be read: {exc}.",
    "Write one JSON object per line with the same keys on every line.",
)


def _lazy(
    scan: pl.LazyFrame,
    kind: str,
    settings: ValidatorSettings,
    unreadable: tuple[str, str],
    encoding: str | None = None,
) -> Table:
    """Parquet and JSON lines streamed in batches like delimited text, every cell as text.

    A damaged file can fail here (schema, first rows) or only at a later batch; the pipeline maps
    a later failure to `unreadable_file` as well, and nothing is loaded either way.
    """
    try:
        names = list(scan.collect_schema())
        header = clean_header(names, settings.max_columns)
        scan = scan.select(pl.col(names[i]).alias(header.names[i]) for i in header.keep)
        scan = scan.select(_as_text(scan.collect_schema()))
        sample = scan.head(settings.sample_rows).collect()
    except InputRejected:
        raise
    except Exception as exc:  # Polars raises several error types for a damaged file
        message, hint = unreadable
        raise rejected(Code.UNREADABLE_FILE, message.format(exc=exc), hint) from exc
    if sample.height == 0 or sample.width == 0:
        raise rejected(
            Code.HEADER_ONLY,
            "The file has columns but no rows.",
            "Export the data again including the rows.",
        )

    def batches(rows: int) -> Iterator[pl.DataFrame]:
        yield from scan.collect_batches(chunk_size=rows, maintain_order=True)

    return Table(sample, kind, encoding, dropped_columns=header.dropped, batches=batches)


def _as_text(schema: pl.Schema) -> list[pl.Expr]:
    exprs = []
    for name, dtype in schema.items():
        column = pl.col(name)
        if dtype == pl.String:
            exprs.append(column)
        elif dtype.is_temporal():
            exprs.append(column.dt.to_string("iso").alias(name))
        elif dtype.is_nested():
            exprs.append(column.cast(pl.String, strict=False).alias(name))
        else:
            exprs.append(column.cast(pl.String).alias(name))
    return exprs


def _check_zip(data: bytes, limit: int) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise rejected(
            Code.UNREADABLE_FILE,
            "The file starts like a zip/xlsx archive but is damaged.",
            "Open it in Excel and save it again as .xlsx or CSV.",
        ) from exc
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        raise rejected(
            Code.UNSUPPORTED_FORMAT,
            "The file is a zip archive, not an Excel workbook.",
            "Unzip it and upload the CSV or Excel file inside.",
        )
    unzipped = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if unzipped > limit or (unzipped > 50 * 1024 * 1024 and unzipped / packed > 200):
        raise rejected(
            Code.ZIP_BOMB,
            f"The workbook expands to {unzipped:,} bytes from {packed:,} (a zip bomb or far too "
            "large a sheet).",
            "Save the sheet as CSV, or split it into smaller workbooks.",
        )


def _read_excel(
    data: bytes, kind: str, settings: ValidatorSettings, score: SheetScore, sheet: str | None
) -> Table:
    import fastexcel

    try:
        reader = fastexcel.read_excel(data)
        names = list(reader.sheet_names)
        if sheet is not None and sheet not in names:
            raise rejected(
                Code.INVALID_OPTION,
                f"The workbook has no sheet named {sheet!r}; it has {', '.join(names)}.",
                "Choose one of the sheet names listed.",
            )
        chosen = sheet or _best_sheet(reader, names, score)
        raw = reader.load_sheet(chosen, header_row=None, dtypes="string").to_polars()
    except fastexcel.FastExcelError as exc:
        raise rejected(
            Code.UNREADABLE_FILE,
            f"The Excel file could not be read: {exc}.",
            "Open it in Excel and save it again as .xlsx, or export it as CSV.",
        ) from exc
    raw = raw.filter(~pl.all_horizontal(pl.all().is_null()))
    if raw.height == 0:
        raise rejected(
            Code.EMPTY_FILE, f"Sheet {chosen!r} is empty.", "Choose the sheet with data."
        )
    header = clean_header([v or "" for v in raw.row(0)], settings.max_columns)
    body = raw.slice(1)
    frame = body.select(pl.col(body.columns[i]).alias(header.names[i]) for i in header.keep)
    if frame.height == 0:
        raise rejected(
            Code.HEADER_ONLY,
            f"Sheet {chosen!r} has a header row but no data rows.",
            "Export the data again including the rows.",
        )
    return _eager(frame, kind, settings, sheet=chosen, sheets=names, dropped_columns=header.dropped)


def _best_sheet(reader: object, names: list[str], score: SheetScore) -> str:
    best, best_score = names[0], -1.0
    for name in names:
        head = reader.load_sheet(name, header_row=None, n_rows=1, dtypes="string")  # type: ignore[attr-defined]
        frame = head.to_polars()
        header = [str(v) for v in frame.row(0) if v is not None] if frame.height else []
        value = score(header)
        if value > best_score:
            best, best_score = name, value
    return best
