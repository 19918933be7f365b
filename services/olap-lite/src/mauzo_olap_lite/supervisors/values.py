"""Kafka record values -> the JSON objects of a micro-batch, in a temporary table.

A value may hold one JSON object or several separated by whitespace: Druid's `json` reader reads
every object of a record (apache/druid#10383), and a record whose text is not wholly objects is
one unparseable row. Mauzo's stream stage packs many clean rows, one per line, into a record.

What counts as JSON is what Python's reader accepts. Checking every object in Python cost more
than all the rest of a batch, so DuckDB checks the lines first, all at once: a record whose every
line is one object DuckDB reads, and that holds nothing DuckDB is laxer about than Python
(trailing commas; `nan` or `inf` in any spelling), is taken as it is. Every other record (another
encoding, a byte order mark, objects spread over lines or sharing one, anything DuckDB refused or
might read too leniently) is read object by object with Python's reader and written again, so
the verdict is always Python's.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import duckdb
import pyarrow as pa

LINES = "__kafka_lines"  # rec, line, json: one object per row, in record and line order
_VALUES = "__kafka_values"
_SPACE = " \t\n\r"  # JSON's whitespace
_DECODER = json.JSONDecoder()
# What DuckDB's JSON reader accepts and Python's does not: a comma before a closing bracket, and
# NaN / Infinity spelled other than Python's way. Also matches inside strings: those records only
# take the exact path. The regular expression costs more than the rest of the check, so it runs
# only on lines with what it needs (a space, tab or CR before a bracket; `nan` or `inf`).
_LAX = r",\s*[\]}]|[:\[,]\s*[-+]?(?i:nan|inf)"
_MAYBE_LAX = (
    "contains(json, ' }') OR contains(json, ' ]') OR contains(json, chr(9)) "
    "OR contains(json, chr(13)) OR json ILIKE '%nan%' OR json ILIKE '%inf%'"
)
_LENIENT = (
    "(contains(json, ',}') OR contains(json, ',]') "
    f"OR CASE WHEN {_MAYBE_LAX} THEN regexp_matches(json, '{_LAX}') ELSE FALSE END)"
)
_OBJECT = "coalesce(TRY(json_type(json)) = 'OBJECT', FALSE)"  # TRY: an invalid line is no error
MAX_PREVIEW = 200


class KafkaValue(Protocol):
    @property
    def partition(self) -> int: ...
    @property
    def offset(self) -> int: ...
    @property
    def value(self) -> bytes | None: ...


@dataclass
class ReadValues:
    objects: int
    unparseable: int
    """Records that are not wholly JSON objects (each one unparseable row, as in Druid)."""
    errors: list[str]
    value_bytes: int


def load(
    cur: duckdb.DuckDBPyConnection,
    records: Sequence[KafkaValue],
    *,
    extra: Callable[[Any], dict[str, Any]] | None = None,
    max_errors: int = 5,
) -> ReadValues:
    """Fill LINES with every object of the records' values (tombstones carry none).

    The fields `extra(record)` gives (the `kafka` inputFormat's key, topic and timestamp) are added
    to each object that lacks them; every record then takes the exact path."""
    present = [r for r in records if r.value is not None]
    values: list[bytes] = [r.value for r in present if r.value is not None]
    table = pa.table(
        {"rec": pa.array(range(len(values)), pa.int32()), "text": pa.array(map(_utf8, values))}
    )
    cur.register(_VALUES, table)
    try:
        cur.execute(
            f"CREATE OR REPLACE TEMP TABLE {LINES} AS "
            "SELECT rec, line, json, FALSE AS rewritten FROM ("
            "SELECT rec, unnest(range(len(parts))) AS line, unnest(parts) AS json FROM ("
            f"SELECT rec, string_split(text, chr(10)) AS parts FROM {_VALUES} "
            "WHERE text IS NOT NULL AND NOT starts_with(text, chr(65279)))) "
            "WHERE json <> ''"  # a line of other whitespace is not an object: the exact path
        )
        if extra is not None:
            exact = list(range(len(values)))
        else:
            found = cur.execute(
                f"SELECT rec FROM {_VALUES} WHERE rec NOT IN (SELECT rec FROM {LINES} "
                f"GROUP BY rec HAVING bool_and({_OBJECT} AND NOT {_LENIENT}))"
            ).fetchall()
            exact = [int(r[0]) for r in found]
    finally:
        cur.unregister(_VALUES)
    errors: list[str] = []
    unreadable: set[int] = set()
    if exact:
        cur.execute(f"DELETE FROM {LINES} WHERE rec IN (SELECT unnest(?::INTEGER[]))", [exact])
        rewritten: list[tuple[int, int, str]] = []
        for rec in exact:
            record = present[rec]
            try:
                objects = read_objects(values[rec])
            except ValueError as exc:
                unreadable.add(rec)
                _note(errors, max_errors, record, f"{exc}")
                continue
            for line, obj in enumerate(objects):
                for name, value in (extra(record) if extra is not None else {}).items():
                    obj.setdefault(name, value)
                rewritten.append((rec, line, json.dumps(obj)))
        if rewritten:
            recs, lines, texts = zip(*rewritten, strict=True)
            again = pa.table(
                {"rec": pa.array(recs, pa.int32()), "line": lines, "json": pa.array(texts)}
            )
            cur.register(_VALUES, again)  # a statement per row would cost DuckDB far more
            try:
                cur.execute(f"INSERT INTO {LINES} SELECT rec, line, json, TRUE FROM {_VALUES}")
            finally:
                cur.unregister(_VALUES)
            # What Python read but DuckDB cannot (an unpaired surrogate escape) would fail the
            # whole batch later: it is unparseable here instead.
            refused = cur.execute(
                f"SELECT DISTINCT rec FROM {LINES} WHERE rewritten AND NOT {_OBJECT}"
            ).fetchall()
            for (rec,) in refused:
                unreadable.add(int(rec))
                _note(errors, max_errors, present[int(rec)], "not readable as JSON by DuckDB")
            if refused:
                cur.execute(
                    f"DELETE FROM {LINES} WHERE rec IN (SELECT unnest(?::INTEGER[]))",
                    [[int(r[0]) for r in refused]],
                )
    (objects,) = cur.execute(f"SELECT count(*) FROM {LINES}").fetchone() or (0,)
    return ReadValues(int(objects), len(unreadable), errors, sum(map(len, values)))


def relation() -> str:
    """The objects as one `json` column, in the records' order (for JsonFormat.over)."""
    return f"(SELECT json FROM {LINES} ORDER BY rec, line)"


def drop(cur: duckdb.DuckDBPyConnection) -> None:
    cur.execute(f"DROP TABLE IF EXISTS {LINES}")


def read_objects(value: bytes) -> list[dict[str, Any]]:
    """Every JSON value of the text, which must all be objects (ValueError as json.loads says
    why, or that a value is not an object or that there is none)."""
    text = value.decode(json.detect_encoding(value))
    found: list[dict[str, Any]] = []
    at = _skip(text, 0)
    while at < len(text):
        obj, at = _DECODER.raw_decode(text, at)
        if not isinstance(obj, dict):
            raise ValueError("not a JSON object")
        found.append(obj)
        at = _skip(text, at)
    if not found:
        raise ValueError("no JSON object")
    return found


def _utf8(value: bytes) -> str | None:
    try:
        return value.decode()
    except UnicodeDecodeError:
        return None  # another encoding, or not text: the exact path decides


def _skip(text: str, at: int) -> int:
    while at < len(text) and text[at] in _SPACE:
        at += 1
    return at


def _note(errors: list[str], limit: int, record: KafkaValue, reason: str) -> None:
    if len(errors) < limit:
        value = record.value or b""
        preview = value[:MAX_PREVIEW].decode("utf-8", "replace")
        errors.append(
            f"Unable to parse row [{preview}]: {reason} "
            f"(partition {record.partition}, offset {record.offset})"
        )
