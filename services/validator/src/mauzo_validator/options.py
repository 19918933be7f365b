"""The parsing options a user can give with an upload, applied over the service settings.

`day_first` and `decimal_comma` ("true"/"false"), `timezone` (an IANA name, the business time zone
for wall-clock times) and `sheet` (the Excel sheet to read). Anything else is refused by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mauzo_validator.errors import Code, rejected
from mauzo_validator.settings import ValidatorSettings

_TRUE = {"true", "1", "yes", "y", "on"}
_FALSE = {"false", "0", "no", "n", "off"}
KNOWN = ("day_first", "decimal_comma", "timezone", "sheet")


@dataclass(frozen=True)
class Applied:
    settings: ValidatorSettings
    sheet: str | None


def apply_options(settings: ValidatorSettings, options: dict[str, str]) -> Applied:
    update: dict[str, object] = {}
    sheet: str | None = None
    for name, value in options.items():
        key = name.strip().casefold()
        if key in ("day_first", "decimal_comma"):
            update[key] = _flag(key, value)
        elif key == "timezone":
            update["business_timezone"] = _zone(value)
        elif key == "sheet":
            sheet = value or None
        else:
            raise _invalid(f"Unknown option {name!r}.", f"Use one of {', '.join(KNOWN)}.")
    return Applied(settings.model_copy(update=update) if update else settings, sheet)


def _flag(name: str, value: str) -> bool:
    text = value.strip().casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _invalid(f"Option {name!r} must be true or false, not {value!r}.", "Use true or false.")


def _zone(value: str) -> str:
    try:
        ZoneInfo(value.strip())
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise _invalid(
            f"Option 'timezone' is not a known time zone: {value!r}.",
            "Use an IANA name such as Africa/Nairobi or UTC.",
        ) from exc
    return value.strip()


def _invalid(message: str, hint: str) -> Exception:
    return rejected(Code.INVALID_OPTION, message, hint)
