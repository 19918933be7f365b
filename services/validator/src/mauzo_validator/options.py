"""The user's parsing options (mauzo_common.options) applied over the service settings."""

from __future__ import annotations

from dataclasses import dataclass

from mauzo_common.options import parse_options
from mauzo_validator.settings import ValidatorSettings
from mauzo_validator.status import StatusRule


@dataclass(frozen=True)
class Applied:
    settings: ValidatorSettings
    sheet: str | None
    status: StatusRule


def apply_options(settings: ValidatorSettings, options: dict[str, str]) -> Applied:
    parsed = parse_options(options)
    update: dict[str, object] = {}
    if parsed.day_first is not None:
        update["day_first"] = parsed.day_first
    if parsed.decimal_comma is not None:
        update["decimal_comma"] = parsed.decimal_comma
    if parsed.excel_1904 is not None:
        update["excel_1904"] = parsed.excel_1904
    if parsed.timezone is not None:
        update["business_timezone"] = parsed.timezone
    return Applied(
        settings.model_copy(update=update) if update else settings,
        parsed.sheet,
        StatusRule.from_options(parsed),
    )
