"""What a file is, from its bytes (magic numbers and decodability), never from its name.

`sniff_head` looks at the first bytes as soon as they arrive, so binary garbage is refused before
the rest is streamed; `confirm` re-checks at the end with the file's last bytes (a ZIP lists its
members, and a Parquet file repeats its magic, at the end).
"""

from __future__ import annotations

import codecs
import json
from enum import StrEnum

from mauzo_common.errors import InputRejected, Unsupported

HEAD_BYTES = 64 * 1024
TAIL_BYTES = 256 * 1024

OLE2 = bytes.fromhex("d0cf11e0a1b11ae1")
ZIP = (b"PK\x03\x04", b"PK\x05\x06")
PARQUET = b"PAR1"
ENCRYPTED_OOXML = "EncryptedPackage".encode("utf-16-le")
XLSX_MEMBER = b"xl/workbook.xml"
ALLOWED_CONTROLS = frozenset(b"\t\n\r\f\v\x1a")  # \x1a: DOS end-of-file marker
ODD_CHARACTERS = tuple(
    [chr(c) for c in range(32) if c not in ALLOWED_CONTROLS] + ["\x7f", "\ufffd"]
)
MAX_CONTROL_RATIO = 0.01
TEXT_PADDING = "\ufeff \t\r\n"

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


class FileKind(StrEnum):
    CSV = "csv"
    NDJSON = "ndjson"
    XLSX = "xlsx"
    XLS = "xls"
    PARQUET = "parquet"

    @property
    def content_type(self) -> str:
        return _CONTENT_TYPES[self]


_CONTENT_TYPES = {
    FileKind.CSV: "text/csv",
    FileKind.NDJSON: "application/x-ndjson",
    FileKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileKind.XLS: "application/vnd.ms-excel",
    FileKind.PARQUET: "application/vnd.apache.parquet",
}
SUPPORTED = "CSV or other delimited text, Excel (.xlsx, .xls), Parquet or newline-delimited JSON"


def sniff_head(head: bytes) -> FileKind:
    """The kind the first bytes show; raises InputRejected for content Mauzo cannot read."""
    if not head:
        raise InputRejected(
            "empty_file", "The file is empty.", "Export the data again; the file has no bytes."
        )
    if head.startswith(PARQUET):
        return FileKind.PARQUET
    if head.startswith(OLE2):
        if ENCRYPTED_OOXML in head:
            raise Unsupported(
                "password_protected",
                "The workbook is password-protected.",
                "Open it in Excel, remove the password (File → Info → Protect Workbook), save.",
            )
        return FileKind.XLS
    if head.startswith(ZIP):
        return FileKind.XLSX  # confirmed at the end, where the ZIP lists its members
    for magic, what in KNOWN_BINARY:
        if head.startswith(magic):
            raise _unsupported(f"This is a {what}, not a sales export.")
    text = decode_sample(head)
    if text is None:
        raise _unsupported("The file is binary data, not text or a spreadsheet.")
    _refuse_other_text(text)
    return FileKind.NDJSON if _looks_like_ndjson(text) else FileKind.CSV


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


def decode_sample(sample: bytes) -> str | None:
    """The sample as text if it is text in some encoding we read, else None.

    UTF-8 (with or without BOM), UTF-16 (BOM, or the NUL pattern of ASCII in UTF-16), and any
    single-byte code page (cp1252, latin-1, DOS) as long as control characters stay rare. The
    sample may end in the middle of a character.
    """
    encoding = _encoding_of(sample)
    if encoding is None:
        return None
    # A stray invalid sequence in text that is otherwise well formed is the validator's to
    # report (line and byte); only many of them, like many control characters, mean binary.
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    text: str = decoder.decode(sample, final=False)
    odd = sum(map(text.count, ODD_CHARACTERS))  # C loops, not a Python one per character
    if text and odd / len(text) > MAX_CONTROL_RATIO:
        return None
    return text


def _encoding_of(sample: bytes) -> str | None:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in sample:
        even, odd = sample[0::2], sample[1::2]
        if odd and odd.count(0) / len(odd) > 0.9 and even.count(0) / max(len(even), 1) < 0.1:
            return "utf-16-le"
        if even and even.count(0) / len(even) > 0.9 and odd.count(0) / max(len(odd), 1) < 0.1:
            return "utf-16-be"
        return None
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return "latin-1"  # a single-byte code page; the validator finds out which one
    return "utf-8"


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


def _looks_like_ndjson(text: str) -> bool:
    first = text.lstrip(TEXT_PADDING).split("\n", 1)
    line = first[0].strip()
    if not line.startswith("{"):
        return False
    if len(first) == 1:
        return True  # one long first line cut off by the sample: an object, judging by its start
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


def _unsupported(message: str) -> Unsupported:
    return Unsupported("unsupported_file_type", message, f"Upload {SUPPORTED}.")
