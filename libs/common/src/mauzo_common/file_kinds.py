"""What a file is, from its first bytes: the one reading every service shares.

Upload says it once (refusing what Mauzo cannot read, see mauzo_upload.sniffing) and publishes it
on `FileUploaded.file_kind`; the validator reads the file as that kind instead of sniffing again.
`kind_of` never refuses: text that turns out to be binary is the reader's to report.
"""

from __future__ import annotations

import codecs
import json
from enum import StrEnum

HEAD_BYTES = 64 * 1024

OLE2 = bytes.fromhex("d0cf11e0a1b11ae1")
ZIP = (b"PK\x03\x04", b"PK\x05\x06")
PARQUET = b"PAR1"
ALLOWED_CONTROLS = frozenset(b"\t\n\r\f\v\x1a")  # \x1a: DOS end-of-file marker
ODD_CHARACTERS = tuple(
    [chr(c) for c in range(32) if c not in ALLOWED_CONTROLS] + ["\x7f", "\ufffd"]
)
MAX_CONTROL_RATIO = 0.01
TEXT_PADDING = "\ufeff \t\r\n"


class FileKind(StrEnum):
    CSV = "csv"  # any delimited text; the reader finds the delimiter
    NDJSON = "ndjson"
    XLSX = "xlsx"
    XLS = "xls"
    PARQUET = "parquet"

    @property
    def content_type(self) -> str:
        return _CONTENT_TYPES[self]

    @classmethod
    def of_content_type(cls, content_type: str) -> FileKind | None:
        return next((kind for kind, known in _CONTENT_TYPES.items() if known == content_type), None)


_CONTENT_TYPES = {
    FileKind.CSV: "text/csv",
    FileKind.NDJSON: "application/x-ndjson",
    FileKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileKind.XLS: "application/vnd.ms-excel",
    FileKind.PARQUET: "application/vnd.apache.parquet",
}


def kind_of(head: bytes) -> FileKind:
    """The kind the first bytes (up to HEAD_BYTES) show: a container's magic, else text."""
    if head.startswith(PARQUET):
        return FileKind.PARQUET
    if head.startswith(OLE2):
        return FileKind.XLS
    if head.startswith(ZIP):
        return FileKind.XLSX  # a ZIP that is not a workbook is found when it is opened
    text = decode_sample(head)
    return FileKind.NDJSON if text is not None and _looks_like_ndjson(text) else FileKind.CSV


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
