"""Which text encoding a file uses, and its bytes as UTF-8 for Polars.

Order of evidence: a byte-order mark; the NUL pattern of BOM-less UTF-16; valid UTF-8; and only then
a legacy single-byte code page (cp1252 / latin-1 / DOS cp437 / cp850) chosen by charset-normalizer.
A file that is mostly UTF-8 but holds invalid sequences is refused rather than guessed at, because
decoding it with a code page would silently turn every accented name into mojibake.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import charset_normalizer

from mauzo_validator.errors import Code, rejected

LEGACY_CODE_PAGES = ["cp1252", "latin_1", "cp850", "cp437"]
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_HEAD = 64 * 1024


@dataclass(frozen=True)
class Decoded:
    data: bytes
    """The text as UTF-8 without a byte-order mark."""
    encoding: str


def decode(data: bytes) -> Decoded:
    if data.startswith(codecs.BOM_UTF8):
        return _from(data[3:], "utf-8", "utf-8-sig")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _transcode(data, "utf-16", "utf-16")
    utf16 = _bomless_utf16(data[:_HEAD])
    if utf16:
        return _transcode(data, utf16, utf16)
    _refuse_binary(data[:_HEAD])
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if _UTF8_MULTIBYTE.search(data):
            raise _undecodable(data, exc.start, "utf-8") from exc
        return _legacy(data)
    return Decoded(data, "utf-8")


def _from(data: bytes, check: str, name: str) -> Decoded:
    try:
        data.decode(check)
    except UnicodeDecodeError as exc:
        raise _undecodable(data, exc.start, name) from exc
    return Decoded(data, name)


def _transcode(data: bytes, codec: str, name: str) -> Decoded:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise _undecodable(data, exc.start, name) from exc
    return Decoded(text.encode("utf-8"), name)


def _bomless_utf16(head: bytes) -> str | None:
    sample = head[: len(head) // 2 * 2]
    if len(sample) < 8:
        return None
    even_nuls = sample[0::2].count(0) / (len(sample) // 2)
    odd_nuls = sample[1::2].count(0) / (len(sample) // 2)
    if odd_nuls > 0.4 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.4 and odd_nuls < 0.05:
        return "utf-16-be"
    return None


def _refuse_binary(head: bytes) -> None:
    nul = head.find(b"\x00")
    if nul >= 0:
        line = head.count(b"\n", 0, nul) + 1
        raise rejected(
            Code.BINARY_FILE,
            f"The file is not plain text: line {line} (byte {nul}) holds a NUL byte, which a text "
            "export never contains.",
            "Upload the sales export itself as CSV, Excel (.xlsx/.xls), Parquet or JSON lines; if "
            "it is a CSV, remove the NUL characters (open and save it again in a text editor).",
        )
    controls = len(_CONTROL.findall(head))
    if head and controls / len(head) > 0.05:
        raise rejected(
            Code.BINARY_FILE,
            f"The file is not text: {controls:,} of its first {len(head):,} bytes are control "
            "characters.",
            "Upload the sales export itself as CSV, Excel (.xlsx/.xls), Parquet or JSON lines.",
        )


def _legacy(data: bytes) -> Decoded:
    encoding = legacy_encoding(data[: 4 * _HEAD])
    return _transcode(data, encoding, encoding)


def legacy_encoding(head: bytes) -> str:
    """The single-byte code page charset-normalizer finds most plausible for these bytes."""
    best = charset_normalizer.from_bytes(head, cp_isolation=LEGACY_CODE_PAGES).best()
    return best.encoding if best is not None else "cp1252"


def _undecodable(data: bytes, offset: int, encoding: str) -> Exception:
    line = data.count(b"\n", 0, offset) + 1
    snippet = data[max(0, offset - 10) : offset + 10]
    return rejected(
        Code.UNDECODABLE_BYTES,
        f"Line {line} (byte {offset}) holds bytes that are not valid {encoding} text: {snippet!r}.",
        "Save the file again as UTF-8 (in Excel: Save As > CSV UTF-8) and upload it again.",
    )
