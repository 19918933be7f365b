"""The processed Parquet contract, as a Pandera (Polars backend) schema checked before writing."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from mauzo_common.sales_model import TIME, UPLOAD_ID, Metric
from mauzo_validator.mapping import METRICS

_SIGNS: dict[str, list[pa.Check]] = {
    Metric.GROSS_REVENUE.value: [pa.Check.ge(0)],
    Metric.RETURNS_VALUE.value: [pa.Check.le(0)],
    Metric.UNITS_SOLD.value: [pa.Check.ge(0)],
    Metric.UNITS_RETURNED.value: [pa.Check.ge(0)],
}


def processed_schema(dimensions: list[str], metrics: list[str]) -> pa.DataFrameSchema:
    columns: dict[str, pa.Column] = {
        TIME: pa.Column(pl.Datetime("ms", "UTC"), nullable=False),
        UPLOAD_ID: pa.Column(pl.String, nullable=False),
    }
    for name in dimensions:
        columns[name] = pa.Column(pl.String, nullable=True)
    for name in metrics:
        columns[name] = pa.Column(pl.Float64, checks=_SIGNS.get(name, []), nullable=True)
    for name in METRICS:
        columns.setdefault(name, pa.Column(pl.Float64, nullable=True))
    return pa.DataFrameSchema(columns, strict=True, ordered=False)


def check_processed(frame: pl.DataFrame, dimensions: list[str], metrics: list[str]) -> pl.DataFrame:
    """Raise pandera's SchemaErrors when the cleaned frame breaks the contract (a bug)."""
    validated: pl.DataFrame = processed_schema(dimensions, metrics).validate(frame, lazy=True)
    return validated


def warm_up() -> None:
    """Check an empty frame once, at start-up: Pandera's first check imports and registers its
    backends (about half a second), which the first file would otherwise wait for."""
    schema: dict[str, pl.DataType] = {TIME: pl.Datetime("ms", "UTC"), UPLOAD_ID: pl.String()}
    schema.update(dict.fromkeys(METRICS, pl.Float64()))
    check_processed(pl.DataFrame(schema=schema), [], list(METRICS))
