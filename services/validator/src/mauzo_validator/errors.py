"""Why a file is refused: one stable code per cause, raised as the shared `InputRejected`.

Bad input is permanent (the task becomes `rejected`, the message is never retried); anything else
that goes wrong (the object store is unreachable, a bug) propagates so the consumer retries it and
finally dead-letters it.
"""

from __future__ import annotations

from enum import StrEnum

from mauzo_common.errors import InputRejected


class Code(StrEnum):
    EMPTY_FILE = "empty_file"
    HEADER_ONLY = "header_only"
    BINARY_FILE = "binary_file"
    UNDECODABLE_BYTES = "undecodable_bytes"
    UNSUPPORTED_FORMAT = "unsupported_format"
    UNREADABLE_FILE = "unreadable_file"
    PASSWORD_PROTECTED = "password_protected"  # noqa: S105 - an error code, not a secret
    ZIP_BOMB = "zip_bomb"
    TOO_MANY_COLUMNS = "too_many_columns"
    LINE_TOO_LONG = "line_too_long"
    RAGGED_ROWS = "ragged_rows"
    UNCLOSED_QUOTE = "unclosed_quote"
    DUPLICATE_HEADERS = "duplicate_headers"
    NO_TIME_COLUMN = "no_time_column"
    NO_PARSEABLE_DATE = "no_parseable_date"
    UNPARSEABLE_DATES = "unparseable_dates"
    ALL_DATES_IN_FUTURE = "all_dates_in_future"
    DATES_IN_FUTURE = "dates_in_future"
    NO_AMOUNT_COLUMN = "no_amount_column"
    AMOUNTS_NOT_NUMBERS = "amounts_not_numbers"
    MISSING_AMOUNTS = "missing_amounts"
    QUANTITIES_NOT_NUMBERS = "quantities_not_numbers"
    COSTS_NOT_NUMBERS = "costs_not_numbers"
    TOO_MANY_INVALID_ROWS = "too_many_invalid_rows"
    MAPPING_COLUMN_NOT_FOUND = "mapping_column_not_found"
    UNKNOWN_MAPPING_FIELD = "unknown_mapping_field"
    INVALID_OPTION = "invalid_option"
    CURRENCY_MISMATCH = "currency_mismatch"


def rejected(code: Code, message: str, hint: str) -> InputRejected:
    return InputRejected(code.value, message, hint)


__all__ = ["Code", "InputRejected", "rejected"]
