"""The user's optional overrides sent with an upload: a column `mapping` and parsing `options`.

Both are JSON objects of names to values (canonical field → source column or expression; option
→ value such as {"day_first": "true", "timezone": "Africa/Nairobi", "sheet": "Mauzo"}); values are
kept as strings, as the FileUploaded event carries them. What they mean is the validator's job.
"""

from __future__ import annotations

import json

from mauzo_common.errors import InputRejected

MAX_ENTRIES = 64
MAX_TEXT = 256


def parse_overrides(field: str, raw: str | None) -> dict[str, str]:
    if raw is None or not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise _invalid(field, f"it is not JSON ({exc.msg})") from exc
    if not isinstance(value, dict):
        raise _invalid(field, "it is not a JSON object")
    if len(value) > MAX_ENTRIES:
        raise _invalid(field, f"it has more than {MAX_ENTRIES} entries")
    parsed: dict[str, str] = {}
    for key, item in value.items():
        if isinstance(item, bool):
            text = "true" if item else "false"
        elif isinstance(item, str | int | float):
            text = str(item)
        else:
            raise _invalid(field, f"the value of {key[:40]!r} is not text, a number or true/false")
        if not key or len(key) > MAX_TEXT or len(text) > MAX_TEXT:
            raise _invalid(field, f"names and values are 1 to {MAX_TEXT} characters")
        parsed[key] = text
    return parsed


def _invalid(field: str, why: str) -> InputRejected:
    return InputRejected(
        f"invalid_{field}",
        f"The `{field}` field is not valid: {why}.",
        'Send a JSON object, e.g. {"amount": "Net Sales"} or {"day_first": "true"}.',
    )
