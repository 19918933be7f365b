"""A micro-batch of JSON records read by pyarrow in one pass, if it reads as the exact path does.

Most micro-batches (Mauzo's clean topics above all) are newline-delimited objects whose fields
hold numbers, text, booleans and nulls. pyarrow's reader parses such a batch once, on every core,
into typed columns. The exact path (values.py, then JsonFormat.over) parses every object four
times in DuckDB: to check it, for its keys, for their types and for the values; it was most of a
batch's cost.

`read` gives the columns exactly as the exact path would (every field, sorted by name; whole
numbers BIGINT, other numbers DOUBLE, anything else text), or None, and then the batch takes the
exact path. None for:
- text pyarrow refuses: not JSON, not UTF-8 (in values, checked after reading), an unpaired
  surrogate escape, a key twice in one object, a value that is not an object, a field that is a
  number in one object and text or a boolean in another (the exact path reads it as text);
- what pyarrow reads and Python's reader would refuse or read otherwise: a byte order mark, a
  record with no object (one unparseable row), `Inf` (Python takes only `NaN` and `Infinity`, so
  any number that is not finite goes the exact way), whole numbers past 64 bits (pyarrow makes
  them floating point);
- values the exact path keeps as their JSON text: objects and lists inside an object;
- two field names that differ only in case (DuckDB's column names ignore case), or no field at all.
pyarrow reads text that looks like a time as a timestamp; those fields are read again as text.

pyarrow's reader crashes the process on some values that are not objects (a `null` alone on a
line), so it is given only text whose every top-level value starts with `{`: each record and each
line starts with one, and after an object's closing brace comes only what may follow one inside a
value (`,` `}` `]`), whitespace or the next object. The patterns start with a literal, which
RE2 finds with memchr, so the check costs about a millisecond for a 30 MB batch.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj

_BIGGEST_WHOLE = float(2**63)  # whole numbers from here on are not BIGINT in the exact path
_READ = pj.ReadOptions(block_size=4 << 20)
# What marks text as not wholly objects at the top level (or as nested lists with nulls, which
# take the exact path anyway): a line starting with something else, something else after a
# closing brace, or `null` after a closing brace and commas. A byte order mark at a record's or
# a line's start (pyarrow may skip it; the exact path decides what it means) is "something else".
_NOT_OBJECTS = (r"\n\s*[^\s{]", r"\}\s*[^\s,}\]{]", r"\}[\s,]*null")


def read(values: Sequence[bytes]) -> pa.Table | None:
    """The objects of every value (none None) as one table, or None if only the exact path can
    tell what they hold."""
    if not values:
        return None
    if not all(_starts_an_object(value) for value in values):
        return None
    blob = b"\n".join(values)
    offsets = pa.array([0, len(blob)], pa.int64()).buffers()[1]
    whole = pa.LargeBinaryArray.from_buffers(
        pa.large_binary(), 1, [None, offsets, pa.py_buffer(blob)]
    )  # the batch's text as one value, not copied
    if any(pc.match_substring_regex(whole, pattern)[0].as_py() for pattern in _NOT_OBJECTS):
        return None
    try:
        table = pj.read_json(pa.BufferReader(blob), read_options=_READ)
        times = [f.name for f in table.schema if pa.types.is_timestamp(f.type)]
        if times:
            as_text = pa.schema([(name, pa.string()) for name in times])
            options = pj.ParseOptions(explicit_schema=as_text, unexpected_field_behavior="infer")
            table = pj.read_json(pa.BufferReader(blob), read_options=_READ, parse_options=options)
        return _as_exact_path_reads(table)
    except (pa.ArrowException, UnicodeError):
        return None


def _starts_an_object(value: bytes) -> bool:
    """Whether the first character that is not whitespace is `{` (a byte order mark is not
    whitespace, so a record starting with one is not)."""
    return value[:1] == b"{" or value.lstrip()[:1] == b"{"


def _as_exact_path_reads(table: pa.Table) -> pa.Table | None:
    names = sorted(table.column_names)
    if not names or "" in names or len({n.lower() for n in names}) != len(names):
        return None
    columns: list[pa.ChunkedArray] = []
    for name in names:
        column = table.column(name)
        kind = column.type
        if pa.types.is_int64(kind):
            columns.append(column)
        elif pa.types.is_string(kind):
            column.validate(full=True)  # pyarrow's reader lets invalid UTF-8 through
            columns.append(column)
        elif pa.types.is_float64(kind):
            if not _plain_floats(column):
                return None
            columns.append(column)
        elif pa.types.is_null(kind) or pa.types.is_boolean(kind):
            columns.append(column.cast(pa.string()))  # booleans as `true` / `false`
        else:
            return None
    return pa.table(columns, names=names)


def _plain_floats(column: pa.ChunkedArray) -> bool:
    if column.null_count == len(column):
        return True
    if not pc.all(pc.is_finite(column)).as_py():
        return False
    biggest = pc.max(pc.abs(column)).as_py()
    return biggest is None or biggest < _BIGGEST_WHOLE
