"""Sale event record values -> one all-string Polars frame in the contract's field names.

Decoding each value with Python's JSON reader and gathering its fields cost more than every rule
of the batch together, so the values are read by Polars' NDJSON reader in one call, as lines of
one text. Python's reader still decides what is a JSON object: Polars reads the values as sent
only when every one is one line, none holds an escaped surrogate (Polars reads a lone one as NUL)
and Polars reads exactly one row from each (it refuses everything Python refuses, and a little
more: `NaN`, `Infinity`, numbers past a double). Otherwise each value is judged by Python, the
malformed ones become rows of nulls, and the fields of the others are written again as JSON
(NaN and infinities as text) and read by Polars all the same, so a field means the same
whichever way its batch went. An object with text that is not Unicode (a lone surrogate, which
no UTF-8 row can hold) is malformed too.

Polars gives a JSON number in a text field as its shortest text (`1.0` -> `1`) and a nested
object or array as compact JSON. With a key repeated in one object the first value counts, or
the last when the batch went through Python's reader.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import polars as pl

from mauzo_common import json_values

_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")


def read(values: list[bytes | None], fields: tuple[str, ...]) -> tuple[pl.DataFrame, list[int]]:
    """The frame (one row per value, every field a String) and the positions of the values that
    are not JSON objects (their rows are all null)."""
    fast = _polars([v for v in values if v is not None], fields, len(values))
    if fast is not None:
        return fast, []
    lines = [_line(obj, fields) for obj in decode(values)]
    malformed = [i for i, line in enumerate(lines) if line is None]
    vetted = b"\n".join(b"{}" if line is None else line for line in lines)
    return pl.read_ndjson(vetted, schema=dict.fromkeys(fields, pl.String)), malformed


def decode(values: list[bytes | None]) -> list[dict[str, Any] | None]:
    """Each record's JSON object, or None when it is not one."""
    out: list[dict[str, Any] | None] = []
    for value in values:
        try:
            obj = json_values.read(value) if value is not None else None
        except ValueError:
            obj = None
        out.append(obj if isinstance(obj, dict) else None)
    return out


def _polars(lines: list[bytes], fields: tuple[str, ...], rows: int) -> pl.DataFrame | None:
    text = b"\n".join(lines)
    if len(lines) != rows or text.count(b"\n") != rows - 1 or b"\r" in text:
        return None  # a value over several lines would read as several rows
    if b"\\" in text and _SURROGATE.search(text):  # no escape at all is common, and seen fast
        return None
    try:
        frame = pl.read_ndjson(text, schema=dict.fromkeys(fields, pl.String))
    except pl.exceptions.PolarsError:
        return None
    return frame if frame.height == rows else None  # a blank value reads as no row


def _line(obj: dict[str, Any] | None, fields: tuple[str, ...]) -> bytes | None:
    """The fields of an object Python read, as one line of JSON Polars reads (None when there
    is no object or its text is not Unicode)."""
    if obj is None:
        return None
    picked = {k: _finite(obj[k]) for k in fields if k in obj}
    try:
        return json.dumps(picked, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        return None


def _finite(value: Any) -> Any:
    return str(value) if isinstance(value, float) and not math.isfinite(value) else value
