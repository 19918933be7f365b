"""What a file is, from its bytes (mauzo_common.file_kinds), refusing what Mauzo cannot read.

`sniff_head` looks at the first bytes as soon as they arrive, so binary garbage is refused before
the rest is streamed; `confirm` re-checks at the end with the file's last bytes (a ZIP lists its
members, and a Parquet file repeats its magic, at the end).
"""

from __future__ import annotations

from mauzo_common.errors import InputRejected, Unsupported
from mauzo_common.file_kinds import (
    PARQUET,
    TEXT_PADDING,
    FileKind,
    decode_sample,
    kind_of,
)

TAIL_BYTES = 256 * 1024
ENCRYPTED_OOXML = "EncryptedPackage".encode("utf-16-le")
XLSX_MEMBER = b"xl/workbook.xml"

KNOWN_BINARY: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF document"),
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"\x1f\x8b", "gzip archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!", "RAR archive"),
    (b"\x7fELF", "program (ELF)"),
    (b"SQLite format 3\x00", "SQLite database"),
)
SUPPORTED = "CSV or other delimited text, Excel (.xlsx, .xls), Parquet or newline-delimited JSON"


def sniff_head(head: bytes) -> FileKind:
    """The kind the first bytes show; raises InputRejected for content Mauzo cannot read."""
    if not head:
        raise InputRejected(
            "empty_file", "The file is empty.", "Export the data again; the file has no bytes."
        )
    kind = kind_of(head)
    if kind is FileKind.XLS and ENCRYPTED_OOXML in head:
        raise Unsupported(
            "password_protected",
            "The workbook is password-protected.",
            "Open it in Excel, remove the password (File → Info → Protect Workbook), save.",
        )
    if kind in (FileKind.CSV, FileKind.NDJSON):
        for magic, what in KNOWN_BINARY:
            if head.startswith(magic):
                raise _unsupported(f"This is a {what}, not a sales export.")
        text = decode_sample(head)
        if text is None:
            raise _unsupported("The file is binary data, not text or a spreadsheet.")
        _refuse_other_text(text)
    return kind


def confirm(kind: FileKind, head: bytes, tail: bytes) -> FileKind:
    """Re-check with the last bytes of the file once all of it has arrived."""
    if kind is FileKind.XLSX and XLSX_MEMBER not in head and XLSX_MEMBER not in tail:
        raise Unsupported(
            "unsupported_archive",
            "The file is a ZIP archive but not an Excel workbook (.xlsx).",
            f"Unzip it and upload the file inside ({SUPPORTED}).",
        )
    if kind is FileKind.PARQUET and not tail.endswith(PARQUET):
        raise InputRejected(
            "truncated_file",
            "The Parquet file is incomplete (its footer is missing).",
            "Write the Parquet file again and upload the complete file.",
        )
    return kind


def _refuse_other_text(text: str) -> None:
    """Text that is a document rather than a table: said so here, as the validator would only
    see a table with a header and no rows."""
    start = text.lstrip(TEXT_PADDING)[:512].lower()
    if start.startswith(("<!doctype html", "<html", "<table", "<head", "<body")):
        raise Unsupported(
            "unsupported_file_type",
            'This is a web page (HTML), not a spreadsheet: some systems\' "Excel export" is one.',
            "Open it in Excel and save it as .xlsx or CSV (File → Save As), then upload that.",
        )
    if start.startswith("<?xml"):
        raise Unsupported(
            "unsupported_file_type",
            "This is an XML document (perhaps an Excel 2003 XML spreadsheet), not a table.",
            "Open it in Excel and save it as .xlsx or CSV (File → Save As), then upload that.",
        )
    if start.startswith("[") and start[1:].lstrip()[:1] in ("{", "["):
        raise Unsupported(
            "unsupported_file_type",
            "This is one JSON array; Mauzo reads JSON lines (one object per line).",
            "Write one JSON object per line (e.g. `jq -c '.[]' file.json > file.jsonl`), or CSV.",
        )


def _unsupported(message: str) -> Unsupported:
    return Unsupported("unsupported_file_type", message, f"Upload {SUPPORTED}.")
