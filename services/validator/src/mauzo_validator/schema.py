"""The processed Parquet contract, as a Pandera (Polars backend) schema checked before writing."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from mauzo_validator.mapping import METRICS

_SIGNS: dict[str, list[pa.Check]] = {
    "gross_revenue": [pa.Check.ge(0)],
    "returns_value": [pa.Check.le(0)],
    "units_sold": [pa.Check.ge(0)],
    "units_returned": [pa.Check.ge(0)],
}


def processed_schema(dimensions: list[str], metrics: list[str]) -> pa.DataFrameSchema:
    columns: dict[str, pa.Column] = {
        "__time": pa.Column(pl.Datetime("ms", "UTC"), nullable=False),
        "upload_id": pa.Column(pl.String, nullable=False),
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
    schema: dict[str, pl.DataType] = {"__time": pl.Datetime("ms", "UTC"), "upload_id": pl.String()}
    schema.update(dict.fromkeys(METRICS, pl.Float64()))
    check_processed(pl.DataFrame(schema=schema), [], list(METRICS))
