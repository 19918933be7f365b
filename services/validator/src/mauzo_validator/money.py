"""Which currency a file's money is in, checked against its datasource's currency.

See docs/sales-model.md#money-and-currency.

Evidence, from the sample: a currency named as a qualifier in a money column's header ('Net Sales
(KES)', 'Line Total USD') or symbols and codes in its cells ('KSh 1,200', '$12.50', '₦500'). A
file that names no currency is taken to be in its datasource's; one that names another is refused,
since adding its amounts to the datasource's would mix currencies in every total.
"""

from __future__ import annotations

import polars as pl

from mauzo_common import currency
from mauzo_validator.errors import Code, rejected
from mauzo_validator.mapping import Mapping

MONEY_FIELDS = ("amount", "unit_price", "cost", "profit", "discount", "tax")


def file_currency(sample: pl.DataFrame, mapping: Mapping) -> tuple[str | None, str]:
    """(the currency the file names, the evidence), or (None, '') when it names none."""
    columns = [c for f in MONEY_FIELDS for c in mapping.sources(f) if c in sample.columns]
    for column in columns:
        named = currency.in_header(column)
        if named:
            return named, f"column {column!r} names {named}"
    for column in columns:
        cells = sample[column].cast(pl.String).drop_nulls().unique().head(200).to_list()
        named = currency.dominant(currency.in_cell(c) for c in cells)
        if named:
            example = next(c for c in cells if currency.in_cell(c) == named)
            return named, f"cells of {column!r} such as {example!r} are in {named}"
    return None, ""


def check_currency(sample: pl.DataFrame, mapping: Mapping, datasource: str, expected: str) -> str:
    """The file's currency: the datasource's, or InputRejected `currency_mismatch`."""
    found, evidence = file_currency(sample, mapping)
    if found is not None and found != expected:
        raise rejected(
            Code.CURRENCY_MISMATCH,
            f"The file's amounts are in {found} ({evidence}), but datasource {datasource!r} "
            f"holds {expected}; adding them would mix currencies in every total.",
            f"Upload it to a datasource in {found} (MAUZO_DATASOURCE_CURRENCIES), or convert "
            f"the amounts to {expected} first.",
        )
    return expected
