"""What a file is, from its content rather than its name: magic bytes and the delimiter."""

from __future__ import annotations

import csv
import io
from typing import Literal

FileKind = Literal["delimited", "xlsx", "xls", "parquet", "ndjson", "zip", "encrypted_office"]

DELIMITERS = (",", ";", "\t", "|")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


def sniff_kind(head: bytes, data_for_ole: bytes = b"") -> FileKind:
    """The container of a file from its first bytes (`data_for_ole`: the whole file, for OLE)."""
    if head.startswith(b"PK\x03\x04"):
        return "xlsx" if b"[Content_Types].xml" in head or b"xl/" in head else "zip"
    if head.startswith(_OLE):
        return "encrypted_office" if _ENCRYPTED in (data_for_ole or head) else "xls"
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return "ndjson"
    return "delimited"


def sniff_delimiter(text: str, max_lines: int = 50) -> str:
    """The delimiter splitting the first lines into the most, and most consistent, fields."""
    lines = text.splitlines()[: max_lines + 1]
    sample = "\n".join(lines[:-1] if len(lines) > max_lines else lines)
    best, best_score = ",", (0.0, 0)
    for delimiter in DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(io.StringIO(sample), delimiter=delimiter) if r]
        except csv.Error:  # e.g. a cell past csv's field limit: not evidence for this delimiter
            continue
        if not counts:
            continue
        header = counts[0]
        if header < 2:
            continue
        consistency = sum(1 for c in counts if c == header) / len(counts)
        score = (consistency, header)
        if score > best_score:
            best, best_score = delimiter, score
    return best
