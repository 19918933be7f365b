"""Yes/no words and parsing options: one reading for every service."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mauzo_common.errors import InputRejected
from mauzo_common.options import (
    FALSE_WORDS,
    TRUE_WORDS,
    ParsingOptions,
    parse_bool,
    parse_options,
)

PADDING = st.text(alphabet=" \t", max_size=3)


def any_case(word: str) -> st.SearchStrategy[str]:
    return st.tuples(*(st.sampled_from([c.lower(), c.upper()]) for c in word)).map("".join)


@given(st.sampled_from(sorted(TRUE_WORDS)).flatmap(any_case), PADDING, PADDING)
def test_yes_words_in_any_case_and_padding_are_true(word: str, left: str, right: str) -> None:
    assert parse_bool(f"{left}{word}{right}") is True


@given(st.sampled_from(sorted(FALSE_WORDS)).flatmap(any_case), PADDING, PADDING)
def test_no_words_in_any_case_and_padding_are_false(word: str, left: str, right: str) -> None:
    assert parse_bool(f"{left}{word}{right}") is False


@given(st.text(max_size=12))
def test_anything_else_is_neither(text: str) -> None:
    word = text.strip().casefold()
    expected = True if word in TRUE_WORDS else False if word in FALSE_WORDS else None
    assert parse_bool(text) is expected


def test_no_value_is_neither() -> None:
    assert parse_bool(None) is None


def test_options_are_typed() -> None:
    parsed = parse_options(
        {"Day_First": "yes", "decimal_comma": "0", "timezone": " UTC ", "sheet": "Mauzo"}
    )
    assert parsed == ParsingOptions(
        day_first=True, decimal_comma=False, timezone="UTC", sheet="Mauzo"
    )


def test_no_options_leave_every_setting_alone() -> None:
    assert parse_options({}) == ParsingOptions()
    assert parse_options({"sheet": ""}).sheet is None


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        ({"daY_first": "maybe"}, "must be true or false"),
        ({"timezone": "Mars/Olympus"}, "not a known time zone"),
        ({"replace": "true"}, "Unknown option"),
    ],
)
def test_bad_options_are_refused_by_name(options: dict[str, str], fragment: str) -> None:
    with pytest.raises(InputRejected) as refused:
        parse_options(options)
    assert refused.value.code == "invalid_option"
    assert fragment in refused.value.message
    assert refused.value.hint


@given(st.dictionaries(st.sampled_from(["day_first", "decimal_comma"]), st.text(max_size=8)))
def test_flags_parse_exactly_when_they_are_yes_or_no_words(options: dict[str, str]) -> None:
    if all(parse_bool(v) is not None for v in options.values()):
        parsed = parse_options(options)
        for name, value in options.items():
            assert getattr(parsed, name) is parse_bool(value)
    else:
        with pytest.raises(InputRejected):
            parse_options(options)
