"""Return lines from a document-type column: "credit note", "credit memo", "return", "refund", "CN".

A line is a return when its amount or quantity is negative, or when its document type says so
(docs/sales-model.md#canonical-columns); a source that writes credit notes with positive amounts
is read right either way.
"""

from __future__ import annotations

import polars as pl

RETURN_DOCUMENT = (
    r"(?i)^\s*(?:a/?r\s*)?(?:credit[\s_-]*(?:note|memo)s?|c\.?n\.?|crn|"
    r"(?:sales?\s*)?returns?|returned|refunds?|rtn)\s*$"
)
SALE_DOCUMENT = (
    r"(?i)^\s*(?:a/?r\s*)?(?:invoices?|tax\s*invoice|sales?|sold|receipts?|cash\s*sale|"
    r"order|inv|si|pos|debit[\s_-]*note|dn)\s*$"
)


def is_return_document(text: pl.Expr) -> pl.Expr:
    return text.cast(pl.String).str.contains(RETURN_DOCUMENT).fill_null(False)


def looks_like_document_type(sample: pl.Series) -> bool:
    """Most values name a sale or a return document (so the column is a document type)."""
    values = sample.cast(pl.String).drop_nulls()
    if values.len() == 0:
        return False
    known = values.str.contains(RETURN_DOCUMENT) | values.str.contains(SALE_DOCUMENT)
    share = known.cast(pl.Float64).mean()
    return isinstance(share, float) and share >= 0.9
