"""The parsing options a user may send with an upload, and the yes/no words every service reads.

Options travel as text (`FileUploaded.options`, the upload's `options` JSON): `day_first`,
`decimal_comma` and `excel_1904` (yes/no: serial days count from 1904), `timezone` (an IANA name
for wall-clock times), `sheet` (the Excel sheet to read), and `excluded_statuses` /
`return_statuses` (comma-separated order statuses that replace the validator's defaults). Anything
else is refused by name, so a typo never passes silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict

from mauzo_common.errors import InputRejected

TRUE_WORDS = frozenset({"true", "1", "yes", "y", "on"})
FALSE_WORDS = frozenset({"false", "0", "no", "n", "off"})
OPTION_NAMES = (
    "day_first",
    "decimal_comma",
    "excel_1904",
    "timezone",
    "sheet",
    "excluded_statuses",
    "return_statuses",
)
INVALID_OPTION = "invalid_option"


def parse_bool(text: str | None) -> bool | None:
    """True or False for a yes/no word (any case, spaces around); None for anything else."""
    word = (text or "").strip().casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


class ParsingOptions(BaseModel):
    """What the user asked for; None leaves the service's own setting in force."""

    model_config = ConfigDict(frozen=True)

    day_first: bool | None = None
    decimal_comma: bool | None = None
    excel_1904: bool | None = None
    timezone: str | None = None
    sheet: str | None = None
    excluded_statuses: tuple[str, ...] | None = None
    return_statuses: tuple[str, ...] | None = None


def parse_options(raw: Mapping[str, str]) -> ParsingOptions:
    """The options as sent (names in any case); raises InputRejected `invalid_option`."""
    parsed: dict[str, object] = {}
    for name, value in raw.items():
        key = name.strip().casefold()
        if key in ("day_first", "decimal_comma", "excel_1904"):
            parsed[key] = _flag(key, value)
        elif key == "timezone":
            parsed[key] = _zone(value)
        elif key == "sheet":
            parsed[key] = value or None
        elif key in ("excluded_statuses", "return_statuses"):
            parsed[key] = tuple(w.strip() for w in value.split(",") if w.strip())
        else:
            raise _invalid(f"Unknown option {name!r}.", f"Use one of {', '.join(OPTION_NAMES)}.")
    return ParsingOptions.model_validate(parsed)


def _flag(name: str, value: str) -> bool:
    flag = parse_bool(value)
    if flag is None:
        raise _invalid(
            f"Option {name!r} must be true or false, not {value!r}.", "Use true or false."
        )
    return flag


def _zone(value: str) -> str:
    try:
        ZoneInfo(value.strip())
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise _invalid(
            f"Option 'timezone' is not a known time zone: {value!r}.",
            "Use an IANA name such as Africa/Nairobi or UTC.",
        ) from exc
    return value.strip()


def _invalid(message: str, hint: str) -> InputRejected:
    return InputRejected(INVALID_OPTION, message, hint)
