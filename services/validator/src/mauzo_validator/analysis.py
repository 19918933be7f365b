"""What a file holds, column by column, before anything is loaded (POST analyze-schema).

Per role: the column chosen, what decided it, its evidence and confidence (role_report.py).
Per column: the inferred type, the date format with its evidence, null %, distinct count, min/max,
examples, the proposed role in the sales model with a confidence, and warnings (day/month
ambiguity, currency symbols, thousands separators, a year-like column that is not a date); plus
the proposed mapping. Profiles the first `analyze_rows` rows; nothing is stored.
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
from pydantic import BaseModel, Field

from mauzo_common.file_kinds import HEAD_BYTES, kind_of
from mauzo_validator.canonical import source_targets
from mauzo_validator.dates import detect_format, is_time_of_day
from mauzo_validator.mapping import Mapping, header_score, normalise, propose_mapping
from mauzo_validator.numbers import _CURRENCY, _CURRENCY_TAIL, is_missing, parse_numbers
from mauzo_validator.options import apply_options
from mauzo_validator.reading import read_table
from mauzo_validator.role_report import RoleChoice, role_choices
from mauzo_validator.settings import ValidatorSettings
from mauzo_validator.synonyms import SYNONYMS

_THOUSANDS = r"^[+-]?\(?\d{1,3}([,.\s']\d{3})+([.,]\d+)?\)?$"


class ColumnProfile(BaseModel):
    name: str
    inferred_type: str
    date_format: str | None = None
    date_evidence: str | None = None
    null_pct: float
    distinct_count: int
    min: str | float | None = None
    max: str | float | None = None
    examples: list[str] = Field(default_factory=list)
    proposed_role: str
    target: str | None = None
    confidence: float
    role_evidence: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)


class SchemaAnalysis(BaseModel):
    file_kind: str
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    sheets: list[str] = Field(default_factory=list)
    rows_analyzed: int
    columns: list[ColumnProfile]
    roles: list[RoleChoice] = Field(default_factory=list)
    proposed_mapping: dict[str, str]
    warnings: list[str] = Field(default_factory=list)


def analyze(
    path: Path,
    settings: ValidatorSettings,
    workdir: Path,
    *,
    options: dict[str, str],
    mapping: dict[str, str],
) -> SchemaAnalysis:
    applied = apply_options(settings, options)
    settings = applied.settings
    with path.open("rb") as handle:
        kind = kind_of(handle.read(HEAD_BYTES))  # sent here directly: no upload said what it is
    table = read_table(
        path, kind, settings, score=header_score, workdir=workdir, sheet=applied.sheet
    )
    try:
        frame = next(table.iter_batches(settings.analyze_rows), table.sample)
    finally:
        if table.structure is not None:
            table.structure.cancel()
    frame = frame.head(settings.analyze_rows)
    proposed = propose_mapping(
        frame.head(settings.sample_rows),
        day_first=settings.day_first,
        decimal_comma=settings.decimal_comma,
        fixed=mapping or None,
    )
    targets = source_targets(proposed)
    columns = [
        _profile(frame[c], targets.get(c), proposed, settings, c == proposed.time)
        for c in frame.columns
    ]
    flat = {k: v for k, v in proposed.as_flat().items() if v}
    return SchemaAnalysis(
        file_kind=table.kind,
        encoding=table.encoding,
        delimiter=table.delimiter,
        sheet=table.sheet,
        sheets=table.sheets,
        rows_analyzed=frame.height,
        columns=columns,
        roles=role_choices(proposed),
        proposed_mapping=flat,
        warnings=[*table.dropped_columns, *proposed.warnings],
    )


def _profile(
    column: pl.Series,
    target: tuple[str, str] | None,
    mapping: Mapping,
    settings: ValidatorSettings,
    is_time: bool,
) -> ColumnProfile:
    text = column.cast(pl.String)
    missing = pl.DataFrame({"v": text}).select(is_missing(pl.col("v")))["v"]
    present = text.filter(~missing)
    rows = max(1, text.len())
    dc = settings.decimal_comma
    profile = ColumnProfile(
        name=column.name,
        inferred_type="empty",
        null_pct=round(100 * int(missing.sum()) / rows, 2),
        distinct_count=present.n_unique(),
        examples=present.unique(maintain_order=True).head(5).to_list(),
        proposed_role=target[1] if target else "unused",
        target=target[0] if target else None,
        confidence=0.0,
    )
    if present.len() == 0:
        return profile
    sample = present.head(settings.sample_rows)
    numbers = parse_numbers(present, decimal_comma=dc)
    numeric = int(numbers.values.is_not_null().sum()) / present.len()
    detection = detect_format(sample, day_first=settings.day_first, allow_serial=is_time)
    if detection is not None and detection.coverage >= 0.9 and (is_time or numeric < 0.98):
        profile.inferred_type = "datetime" if detection.has_time else "date"
        profile.date_format, profile.date_evidence = detection.label, detection.evidence
        profile.warnings += detection.warnings
        profile.min, profile.max = present.min(), present.max()  # type: ignore[assignment]
    elif numeric >= 0.98:
        values = numbers.values.drop_nulls()
        integral = bool((values == values.round(0)).all())
        profile.inferred_type = "integer" if integral else "number"
        profile.min, profile.max = float(values.min()), float(values.max())  # type: ignore[arg-type]
        profile.warnings += _number_warnings(sample, values, integral, column.name)
    elif is_time_of_day(sample):
        profile.inferred_type = "time"
    else:
        profile.inferred_type = "text"
        profile.min, profile.max = present.min(), present.max()  # type: ignore[assignment]
    profile.confidence = _confidence(column.name, target, mapping, profile.inferred_type)
    field = "time" if target is not None and target[0] == "__time" else target and target[0]
    scored = field in mapping.evidence and mapping.as_flat().get(field) == column.name
    if field and scored and field not in mapping.fixed:
        profile.role_evidence = mapping.evidence[field]
        profile.confidence = mapping.confidence[field]
    elif target is not None:
        profile.role_evidence = [_name_evidence(column.name, target, mapping)]
    return profile


def _name_evidence(name: str, target: tuple[str, str], mapping: Mapping) -> str:
    field = "time" if target[0] == "__time" else target[0]
    if field in mapping.fixed:
        return "set by the mapping"
    if normalise(name) in SYNONYMS.get(field, ()):
        return f"name is a synonym of {field}"
    return f"{target[1]} by content ({field})"


def _number_warnings(sample: pl.Series, values: pl.Series, integral: bool, name: str) -> list[str]:
    warnings = []
    currency = sample.str.contains(_CURRENCY + r"\d") | sample.str.contains(r"\d" + _CURRENCY_TAIL)
    if currency.any():
        example = sample.filter(currency)[0]
        warnings.append(f"Values carry a currency symbol (e.g. {example!r}); it is dropped.")
    bare = sample.str.strip_chars().str.replace(_CURRENCY, "").str.replace(_CURRENCY_TAIL, "")
    thousands = bare.str.contains(_THOUSANDS)
    if thousands.any():
        example = sample.filter(thousands)[0]
        warnings.append(
            f"Values use thousands separators (e.g. {example!r}); check the decimal_comma option."
        )
    if integral and bool(values.is_between(1900, 2100).all()):
        warnings.append(
            f"Column {name!r} looks like a year (values {int(values.min())}.."  # type: ignore[arg-type]
            f"{int(values.max())}), not a date: it is not used as the sale date."  # type: ignore[arg-type]
        )
    return warnings


def _confidence(name: str, target: tuple[str, str] | None, mapping: Mapping, kind: str) -> float:
    if target is None:
        return 0.0
    field, role = target
    if field in mapping.fixed or (field == "__time" and "time" in mapping.fixed):
        return 1.0
    key = normalise(name)
    synonym_field = "time" if field == "__time" else field
    by_name = key in SYNONYMS.get(synonym_field, ()) or re.sub(r"\d+$", "", key) in SYNONYMS.get(
        synonym_field, ()
    )
    fits = {
        "time": kind in ("date", "datetime", "time"),
        "metric": kind in ("integer", "number"),
        "dimension": kind in ("text", "integer", "date", "datetime"),
    }.get(role, False)
    if by_name and fits:
        return 0.95
    if by_name:
        return 0.7
    if field == "__time" and fits:
        return 0.6
    return 0.5 if fits else 0.3
