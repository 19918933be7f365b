"""The processed-Parquet contract (Pandera on Polars), checked on each batch before writing."""

from __future__ import annotations

from datetime import UTC, datetime

import pandera.errors
import polars as pl
import pytest

from mauzo_validator.schema import check_processed, warm_up

DIMENSIONS = ["branch"]
METRICS = ["gross_revenue", "returns_value", "units_sold", "units_returned", "cost"]


def _frame(**changes: object) -> pl.DataFrame:
    row: dict[str, object] = {
        "__time": datetime(2024, 3, 1, 9, tzinfo=UTC),
        "branch": "Nairobi CBD",
        "upload_id": "t1",
        "gross_revenue": 1200.0,
        "returns_value": 0.0,
        "units_sold": 2.0,
        "units_returned": 0.0,
        "cost": 800.0,
    }
    row.update(changes)
    return pl.DataFrame([row]).with_columns(pl.col("__time").dt.cast_time_unit("ms"))


def test_a_batch_that_keeps_the_contract_passes_unchanged() -> None:
    frame = _frame()
    assert check_processed(frame, DIMENSIONS, METRICS).equals(frame)


@pytest.mark.parametrize(
    ("changes", "column"),
    [
        ({"gross_revenue": -5.0}, "gross_revenue"),
        ({"returns_value": 5.0}, "returns_value"),
        ({"units_returned": -1.0}, "units_returned"),
        ({"upload_id": None}, "upload_id"),
        ({"cost": "800"}, "cost"),
    ],
)
def test_a_batch_that_breaks_the_contract_is_stopped(
    changes: dict[str, object], column: str
) -> None:
    with pytest.raises(pandera.errors.SchemaErrors) as caught:
        check_processed(_frame(**changes), DIMENSIONS, METRICS)
    assert column in str(caught.value)


def test_an_unexpected_column_is_stopped() -> None:
    with pytest.raises(pandera.errors.SchemaErrors, match="surprise"):
        check_processed(_frame(surprise="x"), DIMENSIONS, METRICS)


def test_the_start_up_warm_up_checks_a_frame_of_the_contract() -> None:
    warm_up()  # raises if the empty frame it checks does not keep the contract
