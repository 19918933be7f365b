"""Reading many small JSON values (Kafka record values) quickly, exactly as `json.loads` would.

`json.loads(bytes)` first guesses the encoding (UTF-8, -16 or -32) and then decodes; for one
record that is most of its cost. Record values are nearly always UTF-8, so `read` decodes them as
UTF-8 and parses with the same decoder; whatever that path does not read cleanly (another
encoding, a syntax error, trailing data) goes to `json.loads`, so the result and every error
message are json.loads' own.
"""

from __future__ import annotations

import json
from typing import Any

_DECODER = json.JSONDecoder()
_SPACE = " \t\n\r"  # JSON's whitespace (str.strip() alone would strip more)


def read(value: bytes) -> Any:
    """The JSON value, as `json.loads(value)` returns it (or raises ValueError as it does)."""
    try:
        text = value.decode().strip(_SPACE)
        found, end = _DECODER.raw_decode(text)
    except ValueError:  # UnicodeDecodeError is one too
        return json.loads(value)
    return found if end == len(text) else json.loads(value)
