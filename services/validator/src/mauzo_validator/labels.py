"""Branch, product, salesperson, customer and invoice id found from the words of a column's name.

See docs/sales-model.md#column-roles.

Used when no column's whole name is a synonym. "Store Name", "Sales Rep", "Item Description" or
"Customer Name" qualify by a word that names the role (at least 2 points), whatever else the name
says; a word naming an attribute of the thing rather than the thing (type, segment, city,
gender, a figure) rules the column out. Content adds: a name beats a code for the same thing, and
an invoice id has many values, each on one or a few lines.
"""

from __future__ import annotations

import polars as pl

from mauzo_validator.candidates import Candidate, ranked
from mauzo_validator.evidence import names_an_entity, repeats_like_an_invoice
from mauzo_validator.names import RoleWords, tokens

_ATTRIBUTES = {"type", "types", "category", "categories", "group", "class", "segment", "kind",
               "mode", "gender", "sex", "age", "city", "country", "region", "state", "county",
               "address", "email", "phone", "mobile", "zip", "postal", "tier", "level", "status",
               "since", "rating", "score", "manager", "date", "time", "year", "month", "line",
               "brand", "family", "sub", "subcategory", "size", "colour", "color",
               "weight"}  # fmt: skip
_FIGURES = {"count", "qty", "quantity", "units", "amount", "total", "value", "price", "cost",
            "tax", "vat", "discount", "sales", "revenue", "commission", "target", "profit",
            "margin", "share", "pct", "percent", "balance", "credit", "debit", "limit"}  # fmt: skip

WORDS: dict[str, RoleWords] = {
    "branch": RoleWords(
        {"branch": 3, "store": 3, "shop": 3, "outlet": 3, "location": 2.5, "site": 2.5,
         "depot": 2.5, "showroom": 2.5, "warehouse": 2, "till": 1},
        frozenset(_ATTRIBUTES | _FIGURES),
    ),
    "product": RoleWords(
        {"product": 3, "products": 3, "item": 3, "items": 3, "article": 2.5, "sku": 2.5,
         "description": 2.5, "goods": 2, "merchandise": 2, "service": 1},
        frozenset(_ATTRIBUTES | _FIGURES),
    ),
    "salesperson": RoleWords(
        {"salesperson": 3, "salesman": 3, "saleswoman": 3, "seller": 3, "rep": 3,
         "representative": 3, "agent": 3, "cashier": 3, "employee": 2.5, "staff": 2.5,
         "attendant": 2.5, "clerk": 2.5, "person": 1.5, "served": 1.5, "sales": 1},
        frozenset(_ATTRIBUTES | _FIGURES - {"sales"}),
    ),
    "customer": RoleWords(
        {"customer": 3, "customers": 3, "client": 3, "buyer": 3, "shopper": 3, "cust": 2.5,
         "patron": 2.5, "account": 2, "payer": 2, "consumer": 2, "guest": 2, "member": 1},
        frozenset(_ATTRIBUTES | _FIGURES),
    ),
    "invoice_id": RoleWords(
        {"invoice": 3, "receipt": 3, "bill": 2.5, "docket": 2.5, "order": 2, "transaction": 2,
         "txn": 2, "voucher": 2, "ticket": 2, "basket": 2, "document": 1.5, "doc": 1.5,
         "id": 0.5, "no": 0.5, "number": 0.5, "num": 0.5, "ref": 0.5, "nr": 0.5},
        frozenset(_ATTRIBUTES | _FIGURES | {"item", "items", "priority", "channel", "method"}),
    ),
}  # fmt: skip
ROLES = tuple(WORDS)
QUALIFY = 2.0


def score_label(role: str, frame: pl.DataFrame, columns: list[str]) -> list[Candidate]:
    """Every candidate column of `columns` for `role`, best first (the leftmost on a tie)."""
    found: list[Candidate] = []
    for column in columns:
        named = WORDS[role].points(column)
        if not named:
            continue
        text = frame[column].cast(pl.String).str.strip_chars().replace("", None)
        if text.drop_nulls().len() == 0:
            continue
        score, evidence = named, [f"name {tokens(column)} names the {role} (+{named:g})"]
        content = (
            repeats_like_an_invoice(text)
            if role == "invoice_id"
            else names_an_entity(tokens(column))
        )
        if content is not None:
            score += content[0]
            evidence.append(content[1])
        index = frame.columns.index(column)
        found.append(Candidate(column, round(score, 3), evidence, index, named >= QUALIFY))
    return ranked(found, rightmost=False)
