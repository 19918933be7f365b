"""Proposing how a source file's columns map onto the sales model.

See docs/sales-model.md#column-mapping.

Names are compared with case, spaces and punctuation ignored ("Order Date" = "order_date" =
"ORDER-DATE"), against synonyms in order of preference; content settles what names cannot (a
"Time" column holding times of day is combined with the date column, never read as the date).
Columns that map to nothing are kept as extra dimensions (text) or extra metrics (numbers).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Literal

import polars as pl

from mauzo_common import sales_model as model
from mauzo_validator import excel
from mauzo_validator.candidates import Candidate, competition_warning
from mauzo_validator.dates import detect_format, is_time_of_day
from mauzo_validator.errors import Code, rejected
from mauzo_validator.expressions import Expression, parse_source
from mauzo_validator.labels import ROLES as LABEL_ROLES
from mauzo_validator.labels import score_label
from mauzo_validator.measures import Known, named_columns, score_measure
from mauzo_validator.numbers import numeric_share, parse_numbers
from mauzo_validator.returns import looks_like_document_type
from mauzo_validator.roles import score_amount_columns
from mauzo_validator.status import looks_like_status
from mauzo_validator.synonyms import SYNONYMS
from mauzo_validator.time_role import score_time_columns

# The sales model's names as plain text: they key dicts, name Polars columns and fill events.
DIMENSIONS = tuple(d.value for d in model.Dimension)
ALWAYS_DIMENSIONS = tuple(d.value for d in model.ALWAYS_DIMENSIONS)
METRICS = tuple(m.value for m in model.METRICS)
OPTIONAL_METRICS = tuple(m.value for m in model.OPTIONAL_METRICS)
RESERVED = {model.TIME, model.UPLOAD_ID, *DIMENSIONS, *METRICS, *OPTIONAL_METRICS}
NUMERIC_FIELDS = ("amount", "quantity", "unit_price", "cost", "profit", "discount", "tax")
FIELDS = ("time", "time_of_day", *DIMENSIONS, *NUMERIC_FIELDS, "document_type", "status")
ALIASES = {
    model.TIME: "time",
    "date": "time",
    "qty": "quantity",
    "units": "quantity",
    "price": "unit_price",
    "doc_type": "document_type",
}

_TAX_INCLUSIVE = {"total", "totalamount"}
_ID_LIKE = re.compile(r"(id|code|no|num|number|zip|postal|postcode|phone|year|month|week)$")

AmountRule = Literal["column", "price_x_quantity", "total_minus_tax", "missing"]
CostRule = Literal["column", "amount_minus_profit", "none"]


def normalise(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.casefold())


def snake_case(name: str) -> str:
    out = re.sub(r"[^0-9a-z]+", "_", name.casefold()).strip("_")
    return f"c_{out}" if out[:1].isdigit() else out


@dataclass(frozen=True)
class Extra:
    source: str
    name: str
    role: Literal["dimension", "metric"]


@dataclass
class Mapping:
    time: str | None = None
    time_of_day: str | None = None
    dimensions: dict[str, str] = field(default_factory=dict)
    amount: str | None = None
    quantity: str | None = None
    unit_price: str | None = None
    cost: str | None = None
    profit: str | None = None
    discount: str | None = None
    tax: str | None = None
    document_type: str | None = None
    status: str | None = None
    """An order-status column (status.py); it is also kept as an extra dimension."""
    expressions: dict[str, Expression] = field(default_factory=dict)
    """Numeric fields the user defined as an expression (the field's value is its text)."""
    fixed: list[str] = field(default_factory=list)
    """Fields the user (or a remembered mapping) set; automatic rules leave them alone."""
    amount_rule: AmountRule = "missing"
    cost_rule: CostRule = "none"
    extras: list[Extra] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    evidence: dict[str, list[str]] = field(default_factory=dict)
    """Field -> why its column was chosen, when evidence rather than a synonym decided."""
    confidence: dict[str, float] = field(default_factory=dict)
    candidates: dict[str, list[Candidate]] = field(default_factory=dict)
    """Field -> the best columns scored, best first (named when none qualified)."""

    def as_dict(self) -> dict[str, object]:
        out = asdict(self)
        for diagnostic in ("evidence", "confidence", "candidates"):
            del out[diagnostic]
        out["expressions"] = {k: e.text for k, e in self.expressions.items()}
        return out

    def as_flat(self) -> dict[str, str]:
        """Canonical field -> source column or expression, every field ('' when unmapped)."""
        flat = {"time": self.time or "", "time_of_day": self.time_of_day or ""}
        flat |= {d: self.dimensions.get(d, "") for d in DIMENSIONS}
        flat |= {n: getattr(self, n) or "" for n in (*NUMERIC_FIELDS, "document_type", "status")}
        return flat

    def sources(self, name: str) -> list[str]:
        """The source columns a field reads (one, or an expression's operands)."""
        if name in self.expressions:
            return self.expressions[name].columns
        value = getattr(self, name)
        return [value] if value else []


def _keys(name: str) -> tuple[str, str]:
    key = normalise(name)
    return key, re.sub(r"\d+$", "", key)


def _candidates(columns: list[str], field_name: str, used: set[str]) -> list[str]:
    found: list[str] = []
    for synonym in SYNONYMS[field_name]:
        for column in columns:
            if column not in used and column not in found and synonym in _keys(column):
                found.append(column)
    return found


def header_score(columns: list[str]) -> float:
    """How sales-like a header is: the number of model fields its names map to (time counts 3)."""
    score = 0.0
    for field_name in SYNONYMS:
        if _candidates(columns, field_name, set()):
            score += 3 if field_name == "time" else 1
    return score


def propose_mapping(
    frame: pl.DataFrame,
    *,
    day_first: bool,
    decimal_comma: bool,
    fixed: dict[str, str] | None = None,
) -> Mapping:
    """`frame`: a sample of the all-string source table; `fixed`: the user's choices, which win."""
    columns = frame.columns
    mapping = Mapping()
    chosen = _apply_fixed(mapping, fixed or {}, columns)
    used = {
        c
        for f in chosen
        if f not in mapping.expressions and f != "status"
        for c in _columns_of(mapping, f)
    }

    def take(field_name: str) -> str | None:
        if field_name in chosen:
            return getattr(mapping, field_name) if field_name not in DIMENSIONS else None
        found = _candidates(columns, field_name, used)
        if found:
            used.add(found[0])
            return found[0]
        return None

    if "time" not in chosen:
        mapping.time = _time_column(frame, mapping, used, day_first)
        if mapping.time:
            used.add(mapping.time)
    if mapping.time and "time_of_day" not in chosen:
        detection = detect_format(frame[mapping.time], day_first=day_first, allow_serial=True)
        dated_only = detection is not None and not detection.has_time
        if dated_only or excel.whole_serial_days(frame[mapping.time]):
            for column in _candidates(columns, "time_of_day", used):
                if is_time_of_day(frame[column]):
                    mapping.time_of_day = column
                    used.add(column)
                    break
    for dimension in DIMENSIONS:
        source = take(dimension)
        if source:
            mapping.dimensions[dimension] = source
    for name in NUMERIC_FIELDS:
        setattr(mapping, name, take(name))
    _infer_measures(frame, mapping, chosen, used, decimal_comma)
    for role in LABEL_ROLES:
        if role not in chosen and role not in mapping.dimensions:
            found = score_label(role, frame, [c for c in columns if c not in used])
            source = _settle(mapping, role, found, used)
            if source:
                mapping.dimensions[role] = source
    if "document_type" not in chosen:
        mapping.document_type = next(
            (
                c
                for c in _candidates(columns, "document_type", used)
                if looks_like_document_type(frame[c])
            ),
            None,
        )
    if "status" not in chosen:
        free = (c for c in columns if c not in used)
        mapping.status = next((c for c in free if looks_like_status(c, frame[c])), None)
    _choose_rules(mapping)
    mapping.extras = _extras(frame, used, decimal_comma)
    return mapping


def _apply_fixed(mapping: Mapping, fixed: dict[str, str], columns: list[str]) -> set[str]:
    chosen: set[str] = set()
    for raw_field, text in fixed.items():
        name = ALIASES.get(raw_field.strip().casefold(), raw_field.strip().casefold())
        if name not in FIELDS:
            raise rejected(
                Code.UNKNOWN_MAPPING_FIELD,
                f"The mapping names {raw_field!r}, which is not a field of the sales model.",
                f"Use the fields {', '.join(FIELDS)}.",
            )
        chosen.add(name)
        if not text.strip():
            continue
        source = parse_source(text, columns, name, numeric=name in NUMERIC_FIELDS)
        if isinstance(source, Expression):
            mapping.expressions[name] = source
            source = source.text
        if name in DIMENSIONS:
            mapping.dimensions[name] = source
        else:
            setattr(mapping, name, source)
    mapping.fixed = sorted(chosen)
    return chosen


def _columns_of(mapping: Mapping, name: str) -> list[str]:
    if name in DIMENSIONS:
        return [mapping.dimensions[name]] if name in mapping.dimensions else []
    return mapping.sources(name)


def _time_column(
    frame: pl.DataFrame, mapping: Mapping, used: set[str], day_first: bool
) -> str | None:
    named = [c for c in _candidates(frame.columns, "time", used) if not is_time_of_day(frame[c])]
    for column in named:
        if detect_format(frame[column], day_first=day_first, allow_serial=True) is not None:
            return column
    free = [c for c in frame.columns if c not in used]
    found = score_time_columns(frame, free, day_first=day_first)
    # A column named as the date but holding no date is still the date column: reported as such.
    return _settle(mapping, "time", found, used) or (named[0] if named else None)


def _settle(mapping: Mapping, role: str, found: list[Candidate], used: set[str]) -> str | None:
    """The best qualified candidate takes the role, with its evidence; a rival is a warning."""
    mapping.candidates[role] = found[:3]
    qualified = [c for c in found if c.qualified]
    if not qualified:
        return None
    best = qualified[0]
    used.add(best.column)
    mapping.evidence[role] = best.evidence
    mapping.confidence[role] = best.confidence
    warning = competition_warning(role, best, qualified[1:])
    if warning:
        mapping.warnings.append(warning)
    return best.column


def _infer_measures(
    frame: pl.DataFrame, mapping: Mapping, chosen: set[str], used: set[str], dc: bool
) -> None:
    """Measures no synonym named, in the order their relations need: quantity and unit price,
    then the amount (quantity x unit price is its strongest evidence), then what is measured
    against the amount."""

    def values(name: str) -> pl.Series | None:
        column = getattr(mapping, name)
        if not column or name in mapping.expressions:
            return None
        return parse_numbers(frame[column], decimal_comma=dc).values

    def line_value() -> pl.Series | None:
        price, qty = values("unit_price"), values("quantity")
        return price * qty if price is not None and qty is not None else None

    def infer(name: str, known: Callable[[], Known]) -> None:
        # `known` parses reference columns: only when the field is still open.
        if name in chosen or getattr(mapping, name) is not None:
            return
        named = named_columns(name, [c for c in frame.columns if c not in used])
        found = score_measure(name, frame, named, known(), decimal_comma=dc) if named else []
        setattr(mapping, name, _settle(mapping, name, found, used))

    infer("quantity", lambda: Known(amount=values("amount"), unit_price=values("unit_price")))
    infer("unit_price", lambda: Known(amount=values("amount"), quantity=values("quantity")))
    if "amount" not in chosen and mapping.amount is None:
        free = [c for c in frame.columns if c not in used]
        found = score_amount_columns(frame, free, decimal_comma=dc, line_value=line_value())
        mapping.amount = _settle(mapping, "amount", found, used)

    def reference() -> Known:
        amount = values("amount")
        return Known(amount=amount if amount is not None else line_value())

    for name in ("cost", "discount", "tax"):
        infer(name, reference)


def _choose_rules(mapping: Mapping) -> None:
    if (
        mapping.amount
        and "amount" not in mapping.expressions
        and normalise(mapping.amount) in _TAX_INCLUSIVE
        and mapping.tax
    ):
        mapping.amount_rule = "total_minus_tax"
        mapping.warnings.append(
            f"{mapping.amount!r} includes {mapping.tax!r}; sales are taken net of tax "
            f"({mapping.amount} - {mapping.tax})."
        )
    elif mapping.amount:
        mapping.amount_rule = "column"
    elif mapping.unit_price and mapping.quantity:
        mapping.amount_rule = "price_x_quantity"
        mapping.warnings.append(
            f"No amount column: line amount = {mapping.unit_price} x {mapping.quantity}."
        )
    if mapping.cost:
        mapping.cost_rule = "column"
    elif mapping.profit and mapping.amount_rule != "missing":
        mapping.cost_rule = "amount_minus_profit"
        mapping.warnings.append(f"No cost column: cost = amount - {mapping.profit}.")


def _extras(frame: pl.DataFrame, used: set[str], decimal_comma: bool) -> list[Extra]:
    extras: list[Extra] = []
    taken = set(RESERVED)
    for column in frame.columns:
        if column in used:
            continue
        name = snake_case(column) or f"column_{frame.columns.index(column) + 1}"
        if name in taken:
            name = f"{name}_src"
        base, n = name, 2
        while name in taken:
            name, n = f"{base}_{n}", n + 1
        taken.add(name)
        key = normalise(column)
        numeric = numeric_share(frame[column], decimal_comma=decimal_comma) >= 0.98
        role: Literal["dimension", "metric"] = (
            "metric" if numeric and not _ID_LIKE.search(key) else "dimension"
        )
        extras.append(Extra(column, name, role))
    return extras
