"""A delimited file as clean UTF-8 on disk, chunk by chunk, whatever its encoding and line endings.

The same evidence as `encoding.decode` (byte-order mark, the NUL pattern of UTF-16, valid UTF-8,
else a legacy code page chosen from the head), but streamed: memory stays bounded by the chunk
size whatever the file size. A file that already is BOM-less UTF-8 with no lone CR is used as is.
Lines are measured on the way (lines.py): one longer than `max_line` characters is refused before
any parser holds it.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from mauzo_validator.encoding import (
    _HEAD,
    _UTF8_MULTIBYTE,
    _bomless_utf16,
    _refuse_binary,
    legacy_encoding,
)
from mauzo_validator.errors import Code, rejected
from mauzo_validator.lines import LineLimit, newlines

CHUNK = 4 << 20
_LONE_CR = re.compile(r"\r(?!\n)")
_LONE_CR_BYTES = re.compile(rb"\r(?!\n)")


@dataclass(frozen=True)
class Utf8File:
    path: Path
    encoding: str
    quoted: bool = True
    """Whether any double quote occurs: without one no cell can hold a newline."""


def to_utf8(path: Path, workdir: Path, *, max_line: int) -> Utf8File:
    with path.open("rb") as source:
        head = source.read(_HEAD)
    if head.startswith(codecs.BOM_UTF8):
        return _copy(path, workdir, "utf-8", "utf-8-sig", max_line, skip=3)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _copy(path, workdir, "utf-16", "utf-16", max_line)
    utf16 = _bomless_utf16(head)
    if utf16:
        return _copy(path, workdir, utf16, utf16, max_line)
    _refuse_binary(head)
    limit = LineLimit(max_line)
    clean, lone_cr, quoted = _scan_utf8(path, limit)
    if clean and not lone_cr:
        limit.check()
        return Utf8File(path, "utf-8", quoted)
    if clean:  # CR line endings: measured again once they are made LF
        return _copy(path, workdir, "utf-8", "utf-8", max_line)
    with path.open("rb") as source:
        encoding = legacy_encoding(source.read(4 * _HEAD))
    return _copy(path, workdir, encoding, encoding, max_line)


def _scan_utf8(path: Path, limit: LineLimit) -> tuple[bool, bool, bool]:
    """(valid UTF-8, has a lone CR, has a quote); raises on invalid bytes in a UTF-8 file."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, lone_cr, quoted, carry = 0, False, False, b""
    with path.open("rb") as source:
        while chunk := source.read(CHUNK):
            pending = len(decoder.getstate()[0])
            try:
                if pending or not chunk.isascii():  # ASCII (most exports) is valid UTF-8 as is
                    decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                at = max(0, exc.start - pending)
                if _holds_utf8(path):
                    where = limit.line + chunk.count(b"\n", 0, at)
                    raise _undecodable(chunk, at, offset + at, where) from exc
                return False, False, True
            if not lone_cr and (carry or b"\r" in chunk):
                both = carry + chunk
                body, carry = (both[:-1], b"\r") if both.endswith(b"\r") else (both, b"")
                lone_cr = bool(_LONE_CR_BYTES.search(body))
            quoted = quoted or b'"' in chunk
            limit.feed(chunk)
            offset += len(chunk)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise _undecodable(b"", 0, offset, limit.line) from exc
    return True, lone_cr or carry == b"\r", quoted


def _holds_utf8(path: Path) -> bool:
    """Whether any valid multi-byte UTF-8 sequence occurs (then bad bytes are not a code page)."""
    with path.open("rb") as source:
        while chunk := source.read(CHUNK):
            if _UTF8_MULTIBYTE.search(chunk):
                return True
    return False


def _copy(
    path: Path, workdir: Path, codec: str, name: str, max_line: int, *, skip: int = 0
) -> Utf8File:
    target = workdir / "source-utf8.txt"
    limit = LineLimit(max_line)
    decoder = codecs.getincrementaldecoder(codec)()
    offset, lines, carry, quoted = skip, 0, "", False
    with path.open("rb") as source, target.open("w", encoding="utf-8", newline="") as out:
        source.seek(skip)
        while True:
            chunk = source.read(CHUNK)
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                where = lines + chunk.count(b"\n", 0, exc.start) + 1
                raise _undecodable(chunk, exc.start, offset + exc.start, where, name) from exc
            text = carry + text
            text, carry = (text[:-1], "\r") if text.endswith("\r") and chunk else (text, "")
            text = _LONE_CR.sub("\n", text)
            quoted = quoted or '"' in text
            limit.feed(text)
            limit.check()
            out.write(text)
            lines += newlines(chunk)
            offset += len(chunk)
            if not chunk:
                break
    return Utf8File(target, name, quoted)


def _undecodable(
    chunk: bytes, at: int, offset: int, line: int, encoding: str = "utf-8"
) -> Exception:
    snippet = chunk[max(0, at - 10) : at + 10]
    return rejected(
        Code.UNDECODABLE_BYTES,
        f"Line {line} (byte {offset}) holds bytes that are not valid {encoding} text: {snippet!r}.",
        "Save the file again as UTF-8 (in Excel: Save As > CSV UTF-8) and upload it again.",
    )
