"""Date format detection per column and conversion of business wall-clock time to UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mauzo_validator import dates
from mauzo_validator.dates import detect_format, is_time_of_day, to_utc

NAIROBI = "Africa/Nairobi"


def parse(values: list[str], *, day_first: bool = True) -> tuple[str, list[datetime | None]]:
    detection = detect_format(pl.Series(values), day_first=day_first, allow_serial=True)
    assert detection is not None
    frame = pl.DataFrame({"t": values})
    out = frame.select(to_utc(pl.col("t"), detection, NAIROBI).alias("t"))["t"].to_list()
    return detection.label, out


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("values", "label", "first"),
    [
        (["2024-01-31", "2024-02-01"], "YYYY-MM-DD", utc(2024, 1, 30, 21)),
        (["2024-01-31 10:15:00"], "YYYY-MM-DD HH:MM:SS", utc(2024, 1, 31, 7, 15)),
        (["31/01/2024", "01/02/2024"], "D/M/YYYY", utc(2024, 1, 30, 21)),
        (["1/31/2024", "2/1/2024"], "M/D/YYYY", utc(2024, 1, 30, 21)),
        (["5-Jan-19", "12-Feb-20"], "D-Mon-YY", utc(2019, 1, 4, 21)),
        (["10/31/2011 10:42"], "M/D/YYYY H:MM", utc(2011, 10, 31, 7, 42)),
        (["45292", "45293"], "Excel serial days", utc(2023, 12, 31, 21)),
        (["2024-01-31T10:00:00Z"], "YYYY-MM-DDTHH:MM:SS±HH:MM", utc(2024, 1, 31, 10)),
        (["2024-01-31T10:00:00+01:00"], "YYYY-MM-DDTHH:MM:SS±HH:MM", utc(2024, 1, 31, 9)),
    ],
)
def test_detects_the_format_and_converts_local_time_to_utc(
    values: list[str], label: str, first: datetime
) -> None:
    found, parsed = parse(values)
    assert found == label
    assert parsed[0] == first


def test_ambiguous_column_follows_the_day_first_setting_and_warns() -> None:
    values = ["05/01/2024", "06/02/2024"]
    detection = detect_format(pl.Series(values), day_first=True, allow_serial=False)
    assert detection is not None
    assert detection.ambiguous
    assert detection.warnings
    assert parse(values)[1][0] == utc(2024, 1, 4, 21)
    assert parse(values, day_first=False)[1][0] == utc(2024, 4, 30, 21)


def test_unambiguous_evidence_beats_the_setting() -> None:
    values = pl.Series(["01/13/2024", "02/01/2024"])
    detection = detect_format(values, day_first=True, allow_serial=False)
    assert detection is not None
    assert detection.label == "M/D/YYYY"
    assert "01/13/2024" in detection.evidence


def test_a_column_mixing_formats_is_read_with_each() -> None:
    label, parsed = parse(["13/01/2024", "2024-01-05", "02/03/2024"])
    assert label == "D/M/YYYY | YYYY-MM-DD"
    assert parsed == [utc(2024, 1, 12, 21), utc(2024, 1, 4, 21), utc(2024, 3, 1, 21)]


@pytest.mark.parametrize("values", [["2019", "2020"], ["hello", "world"], ["NA", ""]])
def test_years_words_and_empties_are_not_dates(values: list[str]) -> None:
    assert detect_format(pl.Series(values), day_first=True, allow_serial=False) is None


def test_times_of_day_are_recognised() -> None:
    assert is_time_of_day(pl.Series(["13:08:00", "9:10", "1:05 PM"]))
    assert not is_time_of_day(pl.Series(["2024-01-01", "13:08"]))


@settings(deadline=None, max_examples=40)
@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 12, 31)), st.booleans())
def test_any_date_written_day_or_month_first_reads_back(day: date, day_first: bool) -> None:
    text = f"{day:%d/%m/%Y}" if day_first else f"{day.month}/{day.day}/{day.year}"
    # A one-value column: the setting resolves the ambiguity exactly as it was written.
    _, parsed = parse([text], day_first=day_first)
    local_midnight = datetime(day.year, day.month, day.day, tzinfo=UTC) - timedelta(hours=3)
    assert parsed == [local_midnight]


def _every_format_tried(values: pl.Expr, frame: pl.DataFrame) -> list[bool]:
    return [True] * len(dates.FORMATS)


@settings(max_examples=80, deadline=None)
@given(
    formats=st.lists(st.sampled_from(dates.FORMATS), min_size=1, max_size=3),
    days=st.lists(st.dates(date(1990, 1, 1), date(2060, 12, 31)), min_size=1, max_size=12),
    spaces=st.booleans(),
    day_first=st.booleans(),
)
def test_skipping_formats_a_value_cannot_match_never_changes_the_detection(
    formats: list[dates.DateFormat], days: list[date], spaces: bool, day_first: bool
) -> None:
    values = []
    for i, day in enumerate(days):
        moment = datetime.combine(day, datetime.min.time()) + timedelta(minutes=37 * i)
        text = moment.strftime(
            formats[i % len(formats)].pattern.replace("%.f", "").replace("%:z", "+03:00")
        )
        values.append(text.replace(" ", "") if spaces else text)
    sample = pl.Series(values)
    fast = dates.detect_format(sample, day_first=day_first, allow_serial=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dates, "_possible_formats", _every_format_tried)
        slow = dates.detect_format(sample, day_first=day_first, allow_serial=True)
    assert fast == slow
