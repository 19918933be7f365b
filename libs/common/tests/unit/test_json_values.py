"""`json_values.read` must answer exactly as `json.loads` does, for any bytes a producer sends."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from mauzo_common import json_values

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)
encodings = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32"])
padding = st.text(alphabet=" \t\r\n\u00a0\u2003", max_size=3)


def verdict(read: Any, value: bytes) -> tuple[str, Any]:
    try:
        return "value", json.dumps(read(value), sort_keys=True)  # NaN != NaN; its text is equal
    except ValueError as exc:
        return "error", str(exc)


@given(values, encodings, padding, padding)
def test_reads_any_json_text_as_json_loads_does(
    value: Any, encoding: str, before: str, after: str
) -> None:
    data = (before + json.dumps(value, ensure_ascii=False) + after).encode(
        encoding, "surrogatepass"
    )
    assert verdict(json_values.read, data) == verdict(json.loads, data)


@given(st.binary(max_size=40) | st.text(max_size=40).map(str.encode))
def test_refuses_what_json_loads_refuses_with_its_message(data: bytes) -> None:
    assert verdict(json_values.read, data) == verdict(json.loads, data)


def test_trailing_data_and_a_second_object_are_refused() -> None:
    for data in (b'{"a": 1} {"b": 2}', b'{"a": 1},', b'{"a": 1}x'):
        assert verdict(json_values.read, data) == verdict(json.loads, data)
        assert verdict(json_values.read, data)[0] == "error"
