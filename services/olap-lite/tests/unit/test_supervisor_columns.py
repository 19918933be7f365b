"""pyarrow's quick read of a micro-batch gives exactly the rows the exact path gives, whatever the
records hold; for what it cannot read that way, it steps aside."""

from __future__ import annotations

import json
import math
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mauzo_olap_lite.formats.json import json_format
from mauzo_olap_lite.supervisors import columns
from mauzo_olap_lite.supervisors.batch import ROWS, Record, forget_rows, load_json_rows

FORMAT = json_format({"type": "json"})
KEYS = st.sampled_from(["__time", "branch", "amount", "units", "Note", "note", "é k", "a.b"])
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.integers(min_value=2**63, max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1e6, max_value=1e6).map(lambda f: round(f, 2)),
    st.text(max_size=12),
    st.sampled_from(["2025-04-01", "2025-04-01T08:00:00", "2025-04-01T08:00:00+03:00", "Mombasa"]),
)
VALUES = st.one_of(
    SCALARS, st.lists(SCALARS, max_size=2), st.dictionaries(KEYS, SCALARS, max_size=2)
)
OBJECTS = st.dictionaries(KEYS, VALUES, max_size=5)
# How a producer may write a record: one object a line (the clean topics), several on a line,
# indented over lines, or text that is not JSON objects at all.
LAYOUTS = st.sampled_from(["lines", "lines", "lines", "spaces", "indented", "crlf"])
ODD = st.sampled_from(
    [b"", b"  ", b"[1]", b'{"a": 1,}', b'{"a": Inf}', b'{"a": nan}', b"\xef\xbb\xbf{}",
     b'{"a":"\xff"}', b'{"a": "\\ud800"}', b'{"a": 1, "a": "x"}', b"{} x", b"null",
     b'{"a": 1}\nnull', b" null",
     b'{"a": 1} null', b'{"a": 1}, null', b'{"a": 1}] null', b'[{"a": 1}, null]', b'{"\xff": 1}',
     b'{"a": 1} 1 null', b'{"a": 1}\n\n  {"b": null}', b"1", b'"x"', b"true",
     b'{"a": 1}\n\xef\xbb\xbf{"b": 2}', b'{"a": 1}\xef\xbb\xbf{"b": 2}', b'{"a": "\xef\xbb\xbf"}']
)  # fmt: skip


def write(objects: list[dict[str, Any]], layout: str) -> bytes:
    texts = [json.dumps(o, indent=1 if layout == "indented" else None) for o in objects]
    joiner = {"lines": "\n", "spaces": " ", "indented": "\n", "crlf": "\r\n"}[layout]
    return joiner.join(texts).encode()


# Flat objects of numbers, text, booleans and nulls, a field keeping its kind from object to
# object (integers may meet decimals): what the quick read is for.
PLAIN_KINDS = {
    "whole": st.integers(min_value=-(2**63), max_value=2**63 - 1),
    "number": st.one_of(
        st.integers(-(10**6), 10**6), st.floats(allow_nan=False, allow_infinity=False)
    ),
    "text": st.text(max_size=12),
    "flag": st.booleans(),
}
PLAIN_RECORDS = st.dictionaries(
    st.sampled_from(["__time", "branch", "amount", "units", "note", "é k", "a.b"]),
    st.sampled_from(sorted(PLAIN_KINDS)),
    min_size=1,
).flatmap(
    lambda kinds: st.lists(
        st.lists(
            st.fixed_dictionaries(
                {}, optional={k: st.one_of(st.none(), PLAIN_KINDS[v]) for k, v in kinds.items()}
            ),
            min_size=1,
            max_size=4,
        ).map(lambda objects: write(objects, "lines")),
        min_size=1,
        max_size=6,
    )
)
RECORDS = st.lists(
    st.one_of(
        st.tuples(st.lists(OBJECTS, min_size=1, max_size=4), LAYOUTS).map(lambda t: write(*t)),
        ODD,
    ),
    min_size=1,
    max_size=6,
)


def rows(cur: duckdb.DuckDBPyConnection, quick: bool, values: list[bytes]) -> Any:
    records = [Record(0, i, v, None, 0) for i, v in enumerate(values)]
    read = load_json_rows(cur, FORMAT, records, quick=quick)
    if not read.objects:
        return read.objects, read.unparseable, None, None
    kinds = cur.execute(f"SELECT column_name, column_type FROM (DESCRIBE {ROWS})").fetchall()
    found = cur.execute(f"SELECT * FROM {ROWS}").fetchall()
    forget_rows(cur)
    shown = sorted(repr(tuple(_same_nan(v) for v in row)) for row in found)
    return read.objects, read.unparseable, sorted(kinds), shown


def _same_nan(value: Any) -> Any:
    return "nan" if isinstance(value, float) and math.isnan(value) else value


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=RECORDS)
def test_quick_read_gives_the_exact_paths_rows(values: list[bytes]) -> None:
    cur = duckdb.connect()
    assert rows(cur, True, values) == rows(cur, False, values)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=PLAIN_RECORDS)
def test_quick_read_of_flat_objects_gives_the_exact_paths_rows(values: list[bytes]) -> None:
    cur = duckdb.connect()
    assert rows(cur, True, values) == rows(cur, False, values)


def test_a_clean_topic_batch_is_read_quickly() -> None:
    """The clean topics' records (whole numbers, decimals, text, nulls) never need the exact
    path: the quick read is what makes streaming fast, so losing it is a regression."""
    objects = [
        {"__time": 1743483600000 + i, "branch": "Mombasa", "region": None,
         "gross_revenue": 50.25 + i, "units_sold": 1 + i % 3, "event_id": f"e-{i}"}
        for i in range(400)
    ]  # fmt: skip
    values = [write(objects[i : i + 190], "lines") for i in range(0, 400, 190)]
    table = columns.read(values)
    assert table is not None
    assert table.num_rows == 400
    assert table.column_names == sorted(objects[0])


@pytest.mark.parametrize(
    "value",
    [b'{"a": Inf}', b"\xef\xbb\xbf{}", b'{"a": {"b": 1}}', b'{"a": 18446744073709551615}', b" "],
)
def test_what_pyarrow_would_read_otherwise_takes_the_exact_path(value: bytes) -> None:
    assert columns.read([b'{"a": 1}', value]) is None
