"""A file's extension checked against what its bytes are: a contradiction is refused, kindly.

The content decides what a file is (sniffing.py); the name only has to agree with it. Text named
.xlsx, or a workbook named .csv, usually means a file was renamed by hand or saved with the wrong
"Save as" type: refused with `extension_mismatch` and the extension that fits. A name without an
extension, or with one we do not know, is not checked. Within a family (.xlsx / .xls, .csv / .txt
/ .tsv / .json) names are not policed: Excel itself opens either workbook format under either name.
"""

from __future__ import annotations

from enum import StrEnum

from mauzo_common.errors import Unsupported
from mauzo_common.file_kinds import FileKind


class Family(StrEnum):
    TEXT = "text"
    EXCEL = "excel"
    PARQUET = "parquet"


FAMILY_OF_EXTENSION: dict[str, Family] = {
    "csv": Family.TEXT,
    "txt": Family.TEXT,
    "tsv": Family.TEXT,
    "tab": Family.TEXT,
    "psv": Family.TEXT,
    "json": Family.TEXT,
    "ndjson": Family.TEXT,
    "jsonl": Family.TEXT,
    "xlsx": Family.EXCEL,
    "xls": Family.EXCEL,
    "parquet": Family.PARQUET,
}
FAMILY_OF_KIND = {
    FileKind.CSV: Family.TEXT,
    FileKind.NDJSON: Family.TEXT,
    FileKind.XLSX: Family.EXCEL,
    FileKind.XLS: Family.EXCEL,
    FileKind.PARQUET: Family.PARQUET,
}
DESCRIPTION = {
    FileKind.CSV: "delimited text (CSV)",
    FileKind.NDJSON: "newline-delimited JSON text",
    FileKind.XLSX: "an Excel workbook (.xlsx)",
    FileKind.XLS: "an old-format Excel workbook (.xls)",
    FileKind.PARQUET: "a Parquet file",
}
RIGHT_EXTENSION = {
    FileKind.CSV: "csv",
    FileKind.NDJSON: "jsonl",
    FileKind.XLSX: "xlsx",
    FileKind.XLS: "xls",
    FileKind.PARQUET: "parquet",
}


def extension_of(file_name: str) -> str | None:
    """The lower-case extension of a (safe) file name, or None when it has none."""
    stem, dot, suffix = file_name.rpartition(".")
    return suffix.lower() if dot and stem and suffix else None


def check_extension(file_name: str, kind: FileKind) -> None:
    """Raise `extension_mismatch` when a known extension names another family than the bytes."""
    extension = extension_of(file_name)
    family = FAMILY_OF_EXTENSION.get(extension or "")
    if extension is None or family is None or family is FAMILY_OF_KIND[kind]:
        return
    right = RIGHT_EXTENSION[kind]
    raise Unsupported(
        "extension_mismatch",
        f"The file is named .{extension} but its content is {DESCRIPTION[kind]}.",
        f"Rename the file to .{right} and upload again (or export it again as .{extension} "
        "if that is the format you meant).",
    )
