"""The sales model's canonical columns and roles: the names every service writes and reads."""

from __future__ import annotations

import pytest

from mauzo_common.sales_model import (
    ALWAYS_DIMENSIONS,
    CANONICAL,
    METRICS,
    OPTIONAL_METRICS,
    TIME,
    UPLOAD_ID,
    Dimension,
    Metric,
    role_of,
)


def test_the_columns_keep_their_loaded_names() -> None:
    assert (TIME, UPLOAD_ID) == ("__time", "upload_id")
    assert [d.value for d in Dimension] == [
        "branch",
        "region",
        "product",
        "product_line",
        "item_group",
        "salesperson",
        "customer",
        "invoice_id",
    ]
    assert [m.value for m in METRICS] == [
        "gross_revenue",
        "returns_value",
        "units_sold",
        "units_returned",
        "cost",
    ]
    assert [m.value for m in OPTIONAL_METRICS] == ["discount", "tax"]


def test_only_region_and_item_group_are_left_out_when_unmapped() -> None:
    assert set(Dimension) - set(ALWAYS_DIMENSIONS) == {Dimension.REGION, Dimension.ITEM_GROUP}
    assert set(METRICS) | set(OPTIONAL_METRICS) == set(Metric)


@pytest.mark.parametrize(
    ("column", "role"),
    [
        ("__time", "time"),
        ("upload_id", "dimension"),
        ("branch", "dimension"),
        ("invoice_id", "dimension"),
        ("gross_revenue", "metric"),
        ("tax", "metric"),
        ("loyalty_points", None),
    ],
)
def test_every_canonical_column_has_one_role(column: str, role: str | None) -> None:
    assert role_of(column) == role
    assert (column in CANONICAL) == (role is not None)
