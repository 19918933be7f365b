"""Numbers as people write them in sales exports, parsed column-wise with Polars.

Accepted: "1200", "-300", "1,200.50", "KSh 1,200.50", "KES1200", "$ 12.50", "(300)" (accounting
negative), "300-" (trailing minus), "1.200,50" / "1 200,50" with the decimal-comma option, "1e3".
Missing: "", "NA", "N/A", "null", "None", "NaN", "-", "--", "#N/A". Anything else is invalid and is
reported per cell instead of being silently turned into a number.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

NA_TOKENS = ("", "na", "n/a", "null", "none", "nan", "-", "--", "#n/a", "nil")
_CURRENCY = r"(?i)^(?:ksh?s?\.?|kes|ugx|tzs|usd|us\$|eur|gbp|[$€£¥₦]|r)\s*"
_CURRENCY_TAIL = r"(?i)\s*(?:ksh?s?\.?|kes|/=|/-|[$€£¥₦])$"


@dataclass(frozen=True)
class ParsedNumbers:
    values: pl.Series
    """Float64, null where the cell is missing or invalid."""
    invalid: pl.Series
    """Boolean: the cell holds something that is not a number (not merely missing)."""


def is_missing(text: pl.Expr) -> pl.Expr:
    return text.is_null() | text.str.strip_chars().str.to_lowercase().is_in(NA_TOKENS)


def _clean(frame: pl.DataFrame, *, decimal_comma: bool) -> pl.DataFrame:
    """Step by step (each step materialised, so the expression tree never repeats itself)."""
    s = pl.col("s")
    frame = frame.with_columns(
        s=pl.col("v").str.strip_chars().str.replace_all("\u00a0", " "),
        missing=is_missing(pl.col("v")),
    )
    frame = frame.with_columns(paren=s.str.contains(r"^\(.*\)$"))
    frame = frame.with_columns(
        s=s.str.strip_prefix("(")
        .str.strip_suffix(")")
        .str.strip_chars()
        .str.replace(_CURRENCY, "")
        .str.replace(_CURRENCY_TAIL, "")
        .str.strip_chars()
    )
    frame = frame.with_columns(trailing=s.str.contains(r"^[0-9.,\s']+-$"))
    frame = frame.with_columns(
        s=pl.when(pl.col("trailing")).then(s.str.strip_suffix("-")).otherwise(s)
    )
    if decimal_comma:
        frame = frame.with_columns(s=s.str.replace_all(r"[.\s']", "").str.replace(",", "."))
    else:
        grouped = s.str.contains(r"^[+-]?\d{1,3}([,\s']\d{3})+(\.\d*)?$")
        frame = frame.with_columns(
            s=pl.when(grouped).then(s.str.replace_all(r"[,\s']", "")).otherwise(s)
        )
    frame = frame.with_columns(s=s.str.replace(r"^\+", ""))
    shaped = s.str.contains(r"^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
    frame = frame.with_columns(n=pl.when(shaped).then(s.cast(pl.Float64, strict=False)))
    # "1e400" has a number's shape but overflows to infinity: not a number anyone sold for.
    frame = frame.with_columns(n=pl.when(pl.col("n").is_finite()).then(pl.col("n")))
    value = (
        pl.when(pl.col("missing"))
        .then(None)
        .when(pl.col("paren") | pl.col("trailing"))
        .then(-pl.col("n").abs())
        .otherwise(pl.col("n"))
    )
    return frame.select(
        value.alias("value"), (~pl.col("missing") & pl.col("n").is_null()).alias("invalid")
    )


def parse_numbers(series: pl.Series, *, decimal_comma: bool = False) -> ParsedNumbers:
    text = series.cast(pl.String)
    if not decimal_comma:
        # Fast path: a clean numeric column needs none of the cleaning rules.
        plain = text.str.strip_chars().cast(pl.Float64, strict=False)
        clean = text.filter(plain.is_null())
        if clean.len() == 0 or clean.str.strip_chars().str.to_lowercase().is_in(NA_TOKENS).all():
            finite = plain.is_finite().fill_null(True)
            if bool(finite.all()):
                return ParsedNumbers(
                    plain.rename(series.name), pl.repeat(False, len(text), eager=True)
                )
    out = _clean(pl.DataFrame({"v": text}), decimal_comma=decimal_comma)
    return ParsedNumbers(out["value"].rename(series.name), out["invalid"])


def parse_number_columns(
    frame: pl.DataFrame, columns: list[str], *, decimal_comma: bool = False
) -> dict[str, ParsedNumbers]:
    """`parse_numbers` for several columns, the common clean ones cast together.

    One select casts every column (Polars spreads the columns over the cores); a column that
    casts without losing a cell and holds only finite numbers is done, any other (padded cells
    included) goes through `parse_numbers` and its cleaning rules.
    """
    if decimal_comma:
        return {c: parse_numbers(frame[c], decimal_comma=True) for c in columns}
    # Not stripped first: stripping costs more than the cast, clean exports have no padding,
    # and a padded cell fails this cast, which sends its column through `parse_numbers`.
    cast = frame.select(pl.col(c).cast(pl.String).cast(pl.Float64, strict=False) for c in columns)
    parsed: dict[str, ParsedNumbers] = {}
    for column in columns:
        values = cast[column]
        lost = values.null_count() != frame[column].null_count()
        if lost or not bool(values.is_finite().fill_null(True).all()):
            parsed[column] = parse_numbers(frame[column])
        else:
            parsed[column] = ParsedNumbers(values, pl.repeat(False, len(values), eager=True))
    return parsed


def numeric_share(series: pl.Series, *, decimal_comma: bool = False) -> float:
    """Share of the non-missing cells that parse as numbers (0 when all are missing)."""
    parsed = parse_numbers(series, decimal_comma=decimal_comma)
    present = int(parsed.values.is_not_null().sum()) + int(parsed.invalid.sum())
    return int(parsed.values.is_not_null().sum()) / present if present else 0.0
