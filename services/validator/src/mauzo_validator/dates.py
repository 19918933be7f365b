"""Date and time columns: the format is detected per column from a sample, then parsed to UTC.

Candidates: ISO (with or without time, with or without offset), D/M/Y and M/D/Y with `/`, `-` or `.`
and four- or two-digit years, day-month-name forms ('5-Jan-19', '05 January 2024', 'Jan 5, 2024'),
each with an optional time (24 h or AM/PM), and Excel serial days. The format that reads the most
sample values wins; further formats are added only for values the first ones cannot read (a column
mixing formats), and never the opposite day/month order, so one column is read one way. When every
day is <= 12 both orders read the column: the `day_first` setting decides and a warning says so.

Wall-clock values are in the business time zone and converted to UTC; a date alone is local
midnight.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Literal

import polars as pl

from mauzo_validator import excel
from mauzo_validator.localtime import UTC_MS, localise
from mauzo_validator.numbers import is_missing

Order = Literal["dmy", "mdy", "ymd", "name", "serial"]

_TIMES = (
    ("", ""),
    (" %H:%M", " H:MM"),
    (" %H:%M:%S", " H:MM:SS"),
    (" %I:%M %p", " H:MM AM"),
    (" %I:%M:%S %p", " H:MM:SS AM"),
)
_SERIAL = re.compile(r"^[1-9]\d{4}(\.\d+)?$")  # 1927-05-18 .. 2173-10-14
_TIME_OF_DAY = r"^\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(\s?[AaPp][Mm])?$"
MIN_YEAR, MAX_YEAR = 1900, 2200
_BOUNDS = (MIN_YEAR, MAX_YEAR + 1)


@dataclass(frozen=True)
class DateFormat:
    label: str
    pattern: str
    order: Order
    has_time: bool
    aware: bool = False
    serial_epoch: date | None = None


def _build_formats() -> list[DateFormat]:
    formats: list[DateFormat] = []
    for iso_date, iso_label in (("%Y-%m-%d", "YYYY-MM-DD"), ("%Y/%m/%d", "YYYY/MM/DD")):
        formats.append(DateFormat(iso_label, iso_date, "ymd", False))
        for sep in ("T", " "):
            for tpat, tlabel in (("%H:%M:%S%.f", "HH:MM:SS"), ("%H:%M", "HH:MM")):
                label = f"{iso_label}{sep}{tlabel}"
                formats.append(DateFormat(label, f"{iso_date}{sep}{tpat}", "ymd", True))
                formats.append(
                    DateFormat(label + "±HH:MM", f"{iso_date}{sep}{tpat}%:z", "ymd", True, True)
                )
    for sep in ("/", "-", "."):
        for order, parts, labels in (
            ("dmy", "%d{s}%m{s}", "D{s}M{s}"),
            ("mdy", "%m{s}%d{s}", "M{s}D{s}"),
        ):
            for year, ylabel in (("%Y", "YYYY"), ("%y", "YY")):
                for tpat, tlabel in _TIMES:
                    formats.append(
                        DateFormat(
                            labels.format(s=sep) + ylabel + tlabel,
                            parts.format(s=sep) + year + tpat,
                            order,  # type: ignore[arg-type]
                            bool(tpat),
                        )
                    )
    for pattern, label in (
        ("%d-%b-%y", "D-Mon-YY"),
        ("%d-%b-%Y", "D-Mon-YYYY"),
        ("%d %b %Y", "D Mon YYYY"),
        ("%d %b %y", "D Mon YY"),
        ("%d %B %Y", "D Month YYYY"),
        ("%d-%B-%Y", "D-Month-YYYY"),
        ("%b %d, %Y", "Mon D, YYYY"),
        ("%B %d, %Y", "Month D, YYYY"),
        ("%b %d %Y", "Mon D YYYY"),
    ):
        for tpat, tlabel in _TIMES[:3]:
            formats.append(DateFormat(label + tlabel, pattern + tpat, "name", bool(tpat)))
    return formats


FORMATS = _build_formats()
SERIAL = DateFormat("Excel serial days", "", "serial", True, serial_epoch=excel.EPOCH_1900)
SERIAL_1904 = DateFormat(
    "Excel serial days, 1904 system", "", "serial", True, serial_epoch=excel.EPOCH_1904
)
_LETTERS = "letters"


def _needs(pattern: str) -> frozenset[str]:
    """What a value must contain for `pattern` to read it: its literal characters but spaces (a
    space in a pattern also matches none), and letters for month names or AM/PM (an offset,
    `%:z`, always has a colon)."""
    needs = set(re.sub(r"%(\.f|:z|[A-Za-z])", "", pattern)) - {" "}
    if re.search(r"%[bBp]", pattern):
        needs.add(_LETTERS)
    if "%:z" in pattern:
        needs.add(":")
    return frozenset(needs)


_NEEDS = [_needs(f.pattern) for f in FORMATS]
_NEEDED = sorted(set().union(*_NEEDS) - {_LETTERS})


def _possible_formats(values: pl.Expr, frame: pl.DataFrame) -> list[bool]:
    """Per format, whether any value has what it needs: the others cannot read a value, so
    trying them on every value (most of the ~100) only costs time."""
    present = frame.select(
        *(values.str.contains(c, literal=True).alias(c) for c in _NEEDED),
        values.str.contains("[A-Za-z]").alias(_LETTERS),
    ).unique()
    kinds = [frozenset(k for k, v in row.items() if v) for row in present.iter_rows(named=True)]
    return [any(needs <= kind for kind in kinds) for needs in _NEEDS]


@dataclass(frozen=True)
class DateDetection:
    formats: list[DateFormat]
    coverage: float
    """Share of the sampled values the formats read."""
    ambiguous: bool = False
    evidence: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def has_time(self) -> bool:
        return any(f.has_time for f in self.formats)

    @property
    def label(self) -> str:
        return " | ".join(f.label for f in self.formats)

    def in_1904_system(self) -> DateDetection:
        """The same detection with serial days counted from 1904 (the `excel_1904` option)."""
        formats = [SERIAL_1904 if f == SERIAL else f for f in self.formats]
        return DateDetection(formats, self.coverage, self.ambiguous, self.evidence, self.warnings)


def _prepared(text: pl.Expr) -> pl.Expr:
    s = text.str.strip_chars().str.replace_all(r"\s+", " ")
    return s.str.replace(r"Z$", "+00:00").str.replace(r"(\d)([AaPp][Mm])$", "$1 $2")


def _parse_one(text: pl.Expr, fmt: DateFormat) -> pl.Expr:
    dtype = pl.Datetime("ms", "UTC") if fmt.aware else pl.Datetime("ms")
    # No cache: sale times are mostly distinct, so Polars' per-value cache only costs.
    value = text.str.strptime(dtype, fmt.pattern, strict=False, cache=False)
    low, high = _plausible_bounds(fmt.aware)
    return pl.when(value.is_between(low, high, closed="left")).then(value)


@functools.cache
def _plausible_bounds(aware: bool) -> tuple[pl.Expr, pl.Expr]:
    """Built once: a datetime literal costs a Series, and detection builds dozens of parses."""
    dtype = pl.Datetime("ms", "UTC") if aware else pl.Datetime("ms")
    low, high = (datetime(y, 1, 1, tzinfo=UTC if aware else None) for y in _BOUNDS)
    return pl.lit(low).cast(dtype), pl.lit(high).cast(dtype)


def detect_format(
    sample: pl.Series, *, day_first: bool, allow_serial: bool
) -> DateDetection | None:
    """The formats that read a column's sample, or None when nothing reads any value."""
    values = sample.cast(pl.String).drop_nulls()
    values = values.filter(~pl.DataFrame({"v": values}).select(is_missing(pl.col("v")))["v"])
    values = values.unique(maintain_order=True)
    if values.len() == 0:
        return None
    serial = values.str.contains(_SERIAL.pattern) if allow_serial else values.str.contains("^$")
    if serial.all():
        return DateDetection(
            [SERIAL], 1.0, evidence=f"numbers such as {values[0]} are Excel day serials"
        )
    if serial.any():
        share = serial.mean() or 0.0
        rest = detect_format(values.filter(~serial), day_first=day_first, allow_serial=False)
        if rest is None:
            # The odd cell no format reads (a note typed into the column) is a rejected row.
            return DateDetection(
                [SERIAL],
                float(share),  # type: ignore[arg-type]
                evidence=f"numbers such as {values.filter(serial)[0]} are Excel day serials",
            )
        coverage = float(share) + (1 - float(share)) * rest.coverage  # type: ignore[arg-type]
        return DateDetection(
            [*rest.formats, SERIAL], coverage, rest.ambiguous, rest.evidence, rest.warnings
        )
    frame = pl.DataFrame({"v": values}).select(_prepared(pl.col("v")).alias("v"))
    possible = _possible_formats(pl.col("v"), frame)
    parsed = frame.select(
        _parse_one(pl.col("v"), f).is_not_null().alias(str(i))
        for i, f in enumerate(FORMATS)
        if possible[i]
    )
    never = pl.repeat(False, values.len(), eager=True)
    hits = {i: parsed[str(i)] if possible[i] else never for i in range(len(FORMATS))}
    remaining = pl.Series([True] * values.len())
    chosen: list[int] = []
    banned: set[Order] = set()
    preferred: Order = "dmy" if day_first else "mdy"
    while remaining.any() and len(chosen) < 4:
        best, best_key = -1, (0, False)
        for i, fmt in enumerate(FORMATS):
            if i in chosen or fmt.order in banned:
                continue
            count = int((hits[i] & remaining).sum())
            key = (count, fmt.order == preferred)
            if key > best_key:
                best, best_key = i, key
        if best < 0 or best_key[0] == 0:
            break
        chosen.append(best)
        remaining = remaining & ~hits[best]
        order = FORMATS[best].order
        if order in ("dmy", "mdy"):
            banned.add("mdy" if order == "dmy" else "dmy")
    if not chosen:
        return None
    coverage = 1 - int(remaining.sum()) / values.len()
    formats = [FORMATS[i] for i in chosen]
    return _explain(formats, coverage, values, hits, chosen)


def _explain(
    formats: list[DateFormat],
    coverage: float,
    values: pl.Series,
    hits: dict[int, pl.Series],
    chosen: list[int],
) -> DateDetection:
    first = formats[0]
    read = values.filter(hits[chosen[0]])
    if first.order not in ("dmy", "mdy"):
        return DateDetection(
            formats, coverage, evidence=f"values such as {read[0]!r} read as {first.label}"
        )
    position = 0 if first.order == "dmy" else 1
    parts = read.str.extract_all(r"\d+")
    beyond = read.filter(
        parts.list.get(position, null_on_oob=True).cast(pl.Int32, strict=False) > 12
    )
    if beyond.len():
        return DateDetection(
            formats,
            coverage,
            evidence=f"{beyond[0]!r} can only be read as {first.label} ({beyond.len()} such)",
        )
    warning = (
        f"Every day in this column is 12 or less, so {read[0]!r} could be day- or month-first; "
        f"read as {first.label} (the day-first setting). Set the option if that is wrong."
    )
    return DateDetection(formats, coverage, ambiguous=True, evidence=warning, warnings=[warning])


def to_utc(
    text: pl.Expr, detection: DateDetection, timezone: str, *, prepare: bool = True
) -> pl.Expr:
    """Datetime[ms, UTC] from a text column; null where no detected format reads the value."""
    prepared = _prepared(text) if prepare else text
    naive = [
        _parse_one(prepared, f) for f in detection.formats if not f.aware and f.serial_epoch is None
    ]
    for fmt in detection.formats:
        if fmt.serial_epoch is not None:
            days = pl.when(prepared.str.contains(_SERIAL.pattern)).then(prepared.cast(pl.Float64))
            naive.append(
                pl.lit(datetime.combine(fmt.serial_epoch, datetime.min.time())).cast(
                    pl.Datetime("ms")
                )
                + pl.duration(milliseconds=(days * 86_400_000).round(0).cast(pl.Int64))
            )
    aware = [_parse_one(prepared, f) for f in detection.formats if f.aware]
    parts: list[pl.Expr] = []
    if aware:
        parts.append(pl.coalesce(aware))
    if naive:
        parts.append(_localise(pl.coalesce(naive), timezone))
    return pl.coalesce(parts) if len(parts) > 1 else parts[0]


def _localise(naive: pl.Expr, timezone: str) -> pl.Expr:
    return (
        naive.dt.replace_time_zone(timezone, ambiguous="earliest", non_existent="null")
        .dt.convert_time_zone("UTC")
        .cast(UTC_MS)
    )


def is_time_of_day(sample: pl.Series) -> bool:
    """Clock times ('13:08', '1:15 PM') or Excel's day fractions ('0.5' is noon)."""
    values = sample.cast(pl.String).drop_nulls().str.strip_chars()
    clock = values.str.contains(_TIME_OF_DAY) | values.str.contains(excel.DAY_FRACTION)
    share = clock.cast(pl.Float64).mean()
    return values.len() > 0 and isinstance(share, float) and share >= 0.95


def _fast(fmt: DateFormat) -> DateFormat:
    """The same format without fractional seconds (Polars parses that shape much faster)."""
    return DateFormat(
        fmt.label,
        fmt.pattern.replace("%S%.f", "%S"),
        fmt.order,
        fmt.has_time,
        fmt.aware,
        fmt.serial_epoch,
    )


def parse_times(text: pl.Series, detection: DateDetection, timezone: str) -> pl.Series:
    """`to_utc` over a column, fast: values as they are first, the rest after full preparation.

    Only the cells the exact patterns miss (surrounding spaces, fractions, 'Z', missing cells) go
    through the preparation and every detected format; wall-clock values are localised by one
    offset where the zone has one over the batch (localtime.py).
    """
    text = text.cast(pl.String)
    quick = [_fast(f) for f in detection.formats]
    if any(f.serial_epoch is not None for f in quick):
        quick_detection = DateDetection(quick, detection.coverage)
        values = (
            pl.LazyFrame({"t": text})
            .select(to_utc(pl.col("t"), quick_detection, timezone, prepare=False))
            .collect()
            .to_series()
        )
    else:
        # to_utc's order: a value an aware format reads is never read as wall-clock time.
        values = _in_turn(text, [f for f in quick if f.aware], UTC_MS, timezone=None)
        unread = values.is_null()
        naive = [f for f in quick if not f.aware]
        if naive and unread.all():
            values = _in_turn(text, naive, pl.Datetime("ms"), timezone=timezone)
        elif naive and unread.any():
            at = unread.arg_true()
            local = _in_turn(text.gather(at), naive, pl.Datetime("ms"), timezone=timezone)
            values = values.scatter(at, local)
    failed = values.is_null()
    if failed.any():
        at = failed.arg_true()
        rest = pl.LazyFrame({"t": text.gather(at)}).select(to_utc(pl.col("t"), detection, timezone))
        values = values.scatter(at, rest.collect().to_series())
    return values.alias("__time")


def _in_turn(
    text: pl.Series, formats: list[DateFormat], dtype: pl.DataType, *, timezone: str | None
) -> pl.Series:
    """What coalescing every format's parse gives (in UTC; wall-clock values localised to
    `timezone`), but each format reads only the values the ones before it did not: a stream's
    ISO detection holds nine formats and a batch is mostly one of them, so parsing every value
    nine times was most of the cost of its rules."""
    values = pl.repeat(None, text.len(), dtype=dtype, eager=True)
    at: pl.Series | None = None  # positions still unread; None: all of them
    for fmt in formats:
        part = text if at is None else text.gather(at)
        # Lazy, so that the parse is shared with its plausibility test (common-subexpression
        # elimination); eagerly, every value was parsed twice.
        parsed = pl.LazyFrame({"t": part}).select(_parse_one(pl.col("t"), fmt)).collect()
        values = parsed.to_series() if at is None else values.scatter(at, parsed.to_series())
        unread = values.is_null()
        if not unread.any():
            break
        at = unread.arg_true()
    return values if timezone is None else localise(values, timezone)
