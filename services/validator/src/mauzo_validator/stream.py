"""Streamed sale lines validated a micro-batch at a time, with the file rules (canonical.py).

The records of one fetch become one all-string Polars frame in the producer contract's field names
(`SaleEvent` in mauzo_common.events), which is the sales model's, so the mapping is the identity;
the time column is read as ISO-8601 (with an offset, or wall-clock in the business time zone). The
same checks as a file's rows decide each record, but there is no error budget: every record stands
alone, valid ones become clean rows of their datasource, invalid ones carry the first failing
check's code, message and field. The values are read into the frame in one call
(event_values.py); no per-record Python but for the rejected ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import polars as pl

from mauzo_common import json_values
from mauzo_common.datasources import DATASOURCE_PATTERN
from mauzo_common.events import EVENT_ID, stream_upload_id
from mauzo_validator import event_values
from mauzo_validator.canonical import build
from mauzo_validator.dates import FORMATS, DateDetection
from mauzo_validator.mapping import DIMENSIONS, METRICS, OPTIONAL_METRICS, Mapping
from mauzo_validator.plan import Plan
from mauzo_validator.settings import ValidatorSettings

NUMBERS = ("amount", "quantity", "cost", "discount", "tax")
FIELDS = (EVENT_ID, "datasource", "time", *DIMENSIONS, *NUMBERS)
# ISO-8601 dates, with or without a time of day, an offset or `Z` (docs/sales-model.md).
ISO = DateDetection([f for f in FORMATS if f.label.startswith("YYYY-MM-DD")], 1.0)
MAPPING = Mapping(
    time="time",
    dimensions={d: d for d in DIMENSIONS},
    amount="amount",
    quantity="quantity",
    cost="cost",
    discount="discount",
    tax="tax",
    amount_rule="column",
    cost_rule="column",
    fixed=["cost"],
)
PLAN = Plan(ISO, "time")
MALFORMED = (
    "malformed_record",
    "The record is not a JSON object of Unicode text.",
    None,
)


@dataclass(frozen=True)
class Rejection:
    index: int
    """Position of the record in the batch."""
    code: str
    message: str
    field: str | None
    event_id: str | None
    datasource: str | None
    original: dict[str, Any] | str


@dataclass
class BatchOutcome:
    clean: pl.DataFrame
    """`__index`, `datasource` and the clean columns (`__time` in epoch ms) of each valid record."""
    rejected: list[Rejection] = field(default_factory=list)
    datasources: pl.Series | None = None
    """Each record's `datasource` as sent (null when it had none)."""


def validate_batch(
    values: list[bytes | None], settings: ValidatorSettings, *, now: datetime
) -> BatchOutcome:
    source, malformed = event_values.read(values, FIELDS)
    unread = set(malformed)
    canonical = build(
        source, MAPPING, PLAN, settings, now=now, upload_id="", first_row=0
    )  # `__row` is the record's index in the batch
    contract = [
        (
            pl.col("__event_id").is_null() | (pl.col("__event_id").str.len_chars() == 0),
            "missing_event_id",
            "the record has no event_id",
            EVENT_ID,
        ),
        (
            ~pl.col("datasource").fill_null("").str.contains(DATASOURCE_PATTERN),
            "invalid_datasource",
            "datasource is missing or not a valid name (a letter, then letters, digits or "
            "underscores)",
            "datasource",
        ),
    ]
    checks = [(f, code, msg, col) for f, code, msg, col in contract]
    checks += [(c.failed, c.code.value, c.message, c.column) for c in canonical.checks]
    frame = canonical.frame.with_columns(source["datasource"], source[EVENT_ID].alias("__event_id"))
    failed = [f.fill_null(False) for f, *_ in checks]

    def first(values: list[str]) -> pl.Expr:  # the first failing check's value, per row
        return pl.coalesce(
            [pl.when(f).then(pl.lit(v)) for f, v in zip(failed, values, strict=True)]
        )

    verdict = frame.select(
        pl.col("__row"),
        pl.any_horizontal(failed).alias("__bad"),
        first([code for _, code, _, _ in checks]).alias("__code"),
        first([f"{col}: {msg}" for _, _, msg, col in checks]).alias("__message"),
        first([col for *_, col in checks]).alias("__field"),
    )
    bad = verdict.filter(pl.col("__bad"))
    rejected: list[Rejection] = []
    for row, code, message, where in bad.select("__row", "__code", "__message", "__field").rows():
        raw = values[row]
        if row in unread or raw is None:
            code, message, where = MALFORMED
            original: dict[str, Any] | str = raw.decode("utf-8", "replace") if raw else ""
        else:
            original = json_values.read(raw)
        rejected.append(
            Rejection(
                row, code, message, where,
                source[EVENT_ID][row], source["datasource"][row], original,
            )
        )  # fmt: skip
    good = frame.filter(~verdict["__bad"])
    clean = good.select(
        pl.col("__row").alias("__index"),
        pl.col("datasource"),
        pl.col("__time").dt.epoch("ms").alias("__time"),
        *(pl.col(d) if d in good.columns else pl.lit(None, pl.String).alias(d) for d in DIMENSIONS),
        pl.concat_str(pl.lit(stream_upload_id("")), pl.col("datasource")).alias("upload_id"),
        *(pl.col(m) for m in (*METRICS, *OPTIONAL_METRICS)),
        pl.col("__event_id").alias(EVENT_ID),
    )
    return BatchOutcome(clean, rejected, source["datasource"])
