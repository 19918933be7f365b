"""Proposing how a source file's columns map onto the sales model (sales-model.md).

Names are compared with case, spaces and punctuation ignored ("Order Date" = "order_date" =
"ORDER-DATE"), against synonyms in order of preference; content settles what names cannot (a
"Time" column holding times of day is combined with the date column, never read as the date).
Columns that map to nothing are kept as extra dimensions (text) or extra metrics (numbers).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Literal

import polars as pl

from mauzo_validator.dates import detect_format, is_time_of_day
from mauzo_validator.numbers import numeric_share

DIMENSIONS = (
    "branch",
    "region",
    "product",
    "product_line",
    "item_group",
    "salesperson",
    "customer",
    "invoice_id",
)
ALWAYS_DIMENSIONS = ("branch", "product", "product_line", "salesperson", "customer", "invoice_id")
METRICS = ("gross_revenue", "returns_value", "units_sold", "units_returned", "cost")
OPTIONAL_METRICS = ("discount", "tax")
RESERVED = {"__time", "upload_id", *DIMENSIONS, *METRICS, *OPTIONAL_METRICS}

SYNONYMS: dict[str, tuple[str, ...]] = {
    "time": (
        "time",
        "date",
        "orderdate",
        "invoicedate",
        "docdate",
        "transactiondate",
        "saledate",
        "salesdate",
        "timestamp",
        "datetime",
        "postingdate",
        "documentdate",
        "txndate",
        "day",
    ),
    "time_of_day": ("time", "hour", "ordertime", "invoicetime", "transactiontime", "saletime"),
    "branch": (
        "branch",
        "branchname",
        "store",
        "storename",
        "shop",
        "outlet",
        "ocrname",
        "location",
    ),
    "region": ("region", "county", "city", "state", "area"),
    "product": (
        "product",
        "productname",
        "item",
        "itemname",
        "description",
        "dscription",
        "itemdescription",
    ),
    "product_line": ("productline", "category", "productcategory", "brand"),
    "item_group": ("itemgroup", "itemgroupname", "subcategory", "productsubcategory"),
    "salesperson": (
        "salesperson",
        "salesemployee",
        "salesrep",
        "rep",
        "agent",
        "cashier",
        "salesman",
        "seller",
    ),
    "customer": (
        "customer",
        "customername",
        "customerid",
        "client",
        "clientname",
        "cardname",
        "accountname",
    ),
    "invoice_id": (
        "invoiceid",
        "invoice",
        "invoiceno",
        "invoicenumber",
        "orderid",
        "ordernumber",
        "orderno",
        "receipt",
        "receiptno",
        "documentnumber",
        "docnum",
        "docno",
        "transactionid",
    ),
    "amount": (
        "amount",
        "sales",
        "revenue",
        "linetotal",
        "netamount",
        "value",
        "salesamount",
        "netsales",
        "salesvalue",
        "totalsales",
        "total",
        "totalamount",
    ),
    "quantity": ("quantity", "qty", "units", "unitssold", "quantitysold"),
    "unit_price": ("unitprice", "price", "priceeach", "sellingprice"),
    "cost": ("cost", "cogs", "totalcost", "costofgoods", "costofsales"),
    "profit": ("profit", "grossprofit"),
    "discount": ("discount", "discountamount"),
    "tax": ("tax", "vat", "taxamount", "vatamount"),
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
    amount_rule: AmountRule = "missing"
    cost_rule: CostRule = "none"
    extras: list[Extra] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


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


def propose_mapping(frame: pl.DataFrame, *, day_first: bool, decimal_comma: bool) -> Mapping:
    """`frame`: a sample of the all-string source table."""
    columns = frame.columns
    used: set[str] = set()
    mapping = Mapping()

    def take(field_name: str) -> str | None:
        found = _candidates(columns, field_name, used)
        if found:
            used.add(found[0])
            return found[0]
        return None

    mapping.time = _time_column(frame, used, day_first)
    if mapping.time:
        used.add(mapping.time)
        detection = detect_format(frame[mapping.time], day_first=day_first, allow_serial=True)
        if detection is not None and not detection.has_time:
            for column in _candidates(columns, "time_of_day", used):
                if is_time_of_day(frame[column]):
                    mapping.time_of_day = column
                    used.add(column)
                    break
    for dimension in DIMENSIONS:
        source = take(dimension)
        if source:
            mapping.dimensions[dimension] = source
    for name in ("amount", "quantity", "unit_price", "cost", "profit", "discount", "tax"):
        setattr(mapping, name, take(name))
    _choose_rules(mapping)
    mapping.extras = _extras(frame, used, decimal_comma)
    return mapping


def _time_column(frame: pl.DataFrame, used: set[str], day_first: bool) -> str | None:
    named = [c for c in _candidates(frame.columns, "time", used) if not is_time_of_day(frame[c])]
    for column in named:
        if detect_format(frame[column], day_first=day_first, allow_serial=True) is not None:
            return column
    best, best_coverage = None, 0.9
    for column in frame.columns:
        if column in used:
            continue
        detection = detect_format(frame[column], day_first=day_first, allow_serial=False)
        if detection is not None and detection.coverage > best_coverage:
            best, best_coverage = column, detection.coverage
    # A column named as the date but holding no date is still the date column: reported as such.
    return best or (named[0] if named else None)


def _choose_rules(mapping: Mapping) -> None:
    if mapping.amount and normalise(mapping.amount) in _TAX_INCLUSIVE and mapping.tax:
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
