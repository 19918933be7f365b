"""Numbers as people write them: currency, thousands separators, accounting negatives, NA tokens."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mauzo_validator.numbers import parse_number_columns, parse_numbers


def one(text: str | None, *, decimal_comma: bool = False) -> tuple[float | None, bool]:
    parsed = parse_numbers(pl.Series([text], dtype=pl.String), decimal_comma=decimal_comma)
    return parsed.values[0], bool(parsed.invalid[0])


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1200", 1200.0),
        ("KSh 1,200.50", 1200.5),
        ("KES1200", 1200.0),
        ("$12.5", 12.5),
        ("(300)", -300.0),
        ("-300", -300.0),
        ("300-", -300.0),
        ("1,200,000", 1_200_000.0),
        ("+5", 5.0),
        ("1e3", 1000.0),
    ],
)
def test_reads_numbers_as_written_in_sales_exports(text: str, value: float) -> None:
    assert one(text) == (value, False)


@pytest.mark.parametrize("text", ["", "NA", "null", "-", "N/A", "  ", None])
def test_na_like_tokens_are_missing_not_invalid(text: str | None) -> None:
    assert one(text) == (None, False)


@pytest.mark.parametrize("text", ["abc", "12,34", "1.2.3", "inf", "=1+2"])
def test_words_and_malformed_numbers_are_invalid(text: str) -> None:
    assert one(text) == (None, True)


def test_decimal_comma_option_reads_european_numbers() -> None:
    assert one("1.200,50", decimal_comma=True) == (1200.5, False)
    assert one("(1.200,50)", decimal_comma=True) == (-1200.5, False)


def many(texts: list[str]) -> tuple[list[float | None], list[bool]]:
    parsed = parse_numbers(pl.Series(texts, dtype=pl.String))
    return parsed.values.to_list(), parsed.invalid.to_list()


amounts = st.lists(
    st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False).map(float),
    min_size=1,
    max_size=30,
)


@settings(deadline=None, max_examples=60)
@given(amounts, st.sampled_from(["{}", "KSh {}", "({})", "{} KES", "$ {}"]))
def test_formatted_amounts_round_trip(numbers: list[float], template: str) -> None:
    texts = [template.format(f"{abs(n):,.2f}") for n in numbers]
    values, invalid = many(texts)
    assert not any(invalid)
    sign = -1 if template.startswith("(") else 1
    assert values == pytest.approx([sign * abs(n) for n in numbers])


@settings(deadline=None, max_examples=60)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False, width=32), min_size=1))
def test_plain_python_floats_parse_back(numbers: list[float]) -> None:
    values, invalid = many([repr(n) for n in numbers])
    assert not any(invalid)
    assert values == pytest.approx(numbers)


@settings(deadline=None, max_examples=60)
@given(st.lists(st.text(alphabet=st.characters(categories=["L"]), min_size=3), min_size=1))
def test_words_never_become_numbers(texts: list[str]) -> None:
    values, _ = many(texts)
    assert values == [None] * len(texts)


_CELLS = st.one_of(
    st.none(),
    st.sampled_from(["", " ", "NA", "nan", "NaN", "inf", "-", "(300)", "1,200", "KSh 5", "x"]),
    st.floats(allow_nan=False, allow_infinity=False, width=32).map(str),
    st.tuples(
        st.sampled_from(["", " ", "\t"]), st.integers(-999, 999), st.sampled_from(["", " "])
    ).map(lambda t: f"{t[0]}{t[1]}{t[2]}"),
)


@given(st.lists(_CELLS, min_size=1, max_size=12), st.lists(_CELLS, min_size=1, max_size=12))
def test_columns_cast_together_read_as_each_column_alone(
    a: list[str | None], b: list[str | None]
) -> None:
    n = min(len(a), len(b))
    frame = pl.DataFrame({"a": a[:n], "b": b[:n]}, schema={"a": pl.String, "b": pl.String})
    together = parse_number_columns(frame, ["a", "b"])
    for column in ("a", "b"):
        alone = parse_numbers(frame[column])
        assert together[column].values.to_list() == alone.values.to_list()
        assert together[column].invalid.to_list() == alone.invalid.to_list()
