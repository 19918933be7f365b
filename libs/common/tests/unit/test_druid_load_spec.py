"""The index_parallel load spec follows docs/druid.md#batch-task-specs for every file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mauzo_common.druid.specs import SpecError, input_source, interval, load_spec, load_task_id
from mauzo_common.events import ColumnInfo, FileValidated

TASK_ID = "0f3c2a9d5b6e4f7a8c1d2e3f4a5b6c7d"

SALES_COLUMNS = [
    ColumnInfo(name="__time", type="timestamp", role="time"),
    *(
        ColumnInfo(name=name, type="string", role="dimension")
        for name in (
            "branch",
            "product",
            "product_line",
            "salesperson",
            "customer",
            "invoice_id",
            "upload_id",
        )
    ),
    *(
        ColumnInfo(name=name, type="double", role="metric")
        for name in ("gross_revenue", "returns_value", "units_sold", "units_returned", "cost")
    ),
]


def validated(**changes: Any) -> FileValidated:
    fields: dict[str, Any] = {
        "datasource": "sales",
        "processed_keys": [f"processed/sales/{TASK_ID}/part-0.parquet"],
        "row_count": 1000,
        "columns": SALES_COLUMNS,
        "interval_start": datetime(2024, 1, 1, tzinfo=UTC),
        "interval_end": datetime(2024, 3, 1, tzinfo=UTC),
    }
    fields.update(changes)
    return FileValidated(**fields)


LOCAL_URIS = [f"file:///srv/mauzo/objects/processed/sales/{TASK_ID}/part-0.parquet"]
S3_URIS = [f"s3://mauzo/processed/sales/{TASK_ID}/part-0.parquet"]


def spec_for(event: FileValidated | None = None, uris: list[str] | None = None) -> dict[str, Any]:
    return load_spec(event or validated(), task_id=TASK_ID, uris=uris or LOCAL_URIS)


def test_all_three_types_are_index_parallel() -> None:
    spec = spec_for()
    assert spec["type"] == "index_parallel"
    assert spec["spec"]["ioConfig"]["type"] == "index_parallel"
    assert spec["spec"]["tuningConfig"]["type"] == "index_parallel"


def test_task_id_is_derived_from_the_task_so_a_redelivery_names_the_same_task() -> None:
    assert spec_for()["id"] == f"mauzo_sales_{TASK_ID}"
    assert spec_for()["id"] == spec_for()["id"] == load_task_id("sales", TASK_ID)


def test_spec_has_exactly_the_documented_nesting() -> None:
    spec = spec_for()
    assert set(spec) == {"type", "id", "spec"}
    assert set(spec["spec"]) == {"dataSchema", "ioConfig", "tuningConfig"}
    assert set(spec["spec"]["dataSchema"]) == {
        "dataSource",
        "timestampSpec",
        "dimensionsSpec",
        "metricsSpec",
        "granularitySpec",
    }
    assert spec["spec"]["dataSchema"]["dataSource"] == "sales"
    assert spec["spec"]["dataSchema"]["timestampSpec"] == {"column": "__time", "format": "auto"}


def test_dimensions_are_typed_and_metrics_are_double_sums_of_the_metric_columns() -> None:
    schema = spec_for()["spec"]["dataSchema"]
    dims = schema["dimensionsSpec"]["dimensions"]
    assert dims[0] == {"type": "string", "name": "branch"}
    assert [d["name"] for d in dims] == [
        "branch",
        "product",
        "product_line",
        "salesperson",
        "customer",
        "invoice_id",
        "upload_id",
    ]
    assert schema["metricsSpec"] == [
        {"type": "doubleSum", "name": m, "fieldName": m}
        for m in ("gross_revenue", "returns_value", "units_sold", "units_returned", "cost")
    ]


def test_numeric_dimensions_keep_their_type() -> None:
    columns = [
        *SALES_COLUMNS,
        ColumnInfo(name="store_id", type="long", role="dimension"),
        ColumnInfo(name="unit_price", type="double", role="dimension"),
    ]
    dims = spec_for(validated(columns=columns))["spec"]["dataSchema"]["dimensionsSpec"]
    assert {"type": "long", "name": "store_id"} in dims["dimensions"]
    assert {"type": "double", "name": "unit_price"} in dims["dimensions"]


def test_no_column_is_both_dimension_and_metric_and_time_is_never_a_dimension() -> None:
    schema = spec_for()["spec"]["dataSchema"]
    dims = {d["name"] for d in schema["dimensionsSpec"]["dimensions"]}
    metrics = {m["name"] for m in schema["metricsSpec"]} | {
        m["fieldName"] for m in schema["metricsSpec"]
    }
    assert not dims & metrics
    assert "__time" not in dims | metrics


def test_granularity_is_daily_without_rollup_over_the_validated_interval() -> None:
    granularity = spec_for()["spec"]["dataSchema"]["granularitySpec"]
    assert granularity == {
        "type": "uniform",
        "segmentGranularity": "day",
        "queryGranularity": "none",
        "rollup": False,
        "intervals": ["2024-01-01T00:00:00.000Z/2024-03-01T00:00:00.000Z"],
    }


def test_uploads_append_with_dynamic_partitions_and_fail_on_the_first_bad_row() -> None:
    io = spec_for()["spec"]["ioConfig"]
    tuning = spec_for()["spec"]["tuningConfig"]
    assert io["appendToExisting"] is True
    assert io["inputFormat"] == {"type": "parquet"}
    # docs/druid.md#time-chunks-and-replace: append is only allowed with dynamic partitions.
    assert tuning["partitionsSpec"]["type"] == "dynamic"
    assert tuning["maxParseExceptions"] == 0
    assert tuning["logParseExceptions"] is True
    assert tuning["maxSavedParseExceptions"] == 10


def test_directory_store_objects_become_a_local_input_with_absolute_paths() -> None:
    source = spec_for(uris=LOCAL_URIS)["spec"]["ioConfig"]["inputSource"]
    assert source == {
        "type": "local",
        "files": [f"/srv/mauzo/objects/processed/sales/{TASK_ID}/part-0.parquet"],
    }


def test_percent_escaped_file_uris_become_plain_paths() -> None:
    assert input_source(["file:///data/my%20shop/part-0.parquet"]) == {
        "type": "local",
        "files": ["/data/my shop/part-0.parquet"],
    }


def test_s3_objects_become_an_s3_input_with_their_uris() -> None:
    source = spec_for(uris=S3_URIS)["spec"]["ioConfig"]["inputSource"]
    assert source == {"type": "s3", "uris": S3_URIS}


@pytest.mark.parametrize(
    "uris",
    [[], [LOCAL_URIS[0], S3_URIS[0]], ["http://example.com/part-0.parquet"], ["file://nas/x"]],
)
def test_refuses_inputs_druid_could_not_read(uris: list[str]) -> None:
    with pytest.raises(SpecError):
        input_source(uris)


def test_interval_is_converted_to_utc() -> None:
    nairobi = timezone(timedelta(hours=3))
    start = datetime(2024, 1, 1, 3, tzinfo=nairobi)
    end = datetime(2024, 1, 2, 3, tzinfo=nairobi)
    assert interval(start, end) == "2024-01-01T00:00:00.000Z/2024-01-02T00:00:00.000Z"


def test_interval_never_cuts_off_the_last_row_at_sub_millisecond_precision() -> None:
    start = datetime(2024, 1, 1, 8, 0, 0, 123_999, tzinfo=UTC)
    end = datetime(2024, 1, 1, 9, 0, 0, 456_001, tzinfo=UTC)
    assert interval(start, end) == "2024-01-01T08:00:00.123Z/2024-01-01T09:00:00.457Z"


@given(
    st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2100, 1, 1)),
    st.timedeltas(min_value=timedelta(microseconds=1), max_value=timedelta(days=3650)),
)
def test_interval_always_covers_the_validated_range(start: datetime, length: timedelta) -> None:
    start = start.replace(tzinfo=UTC)
    end = start + length
    first, last = interval(start, end).split("/")
    parse = lambda text: datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)  # noqa: E731
    assert parse(first) <= start
    assert parse(last) >= end
    assert parse(first) < parse(last)


def test_refuses_an_empty_interval() -> None:
    moment = datetime(2024, 1, 1, tzinfo=UTC)
    with pytest.raises(SpecError, match="empty time interval"):
        spec_for(validated(interval_start=moment, interval_end=moment))


@pytest.mark.parametrize(
    "columns",
    [
        pytest.param(
            [c for c in SALES_COLUMNS if c.role != "time"],
            id="no time column",
        ),
        pytest.param(
            [*SALES_COLUMNS, ColumnInfo(name="branch", type="double", role="metric")],
            id="branch both dimension and metric",
        ),
        pytest.param(
            [*SALES_COLUMNS[1:], ColumnInfo(name="__time", type="long", role="dimension")],
            id="__time as a dimension",
        ),
        pytest.param(
            [*SALES_COLUMNS, ColumnInfo(name="sold_at", type="timestamp", role="dimension")],
            id="timestamp-typed dimension",
        ),
    ],
)
def test_refuses_columns_that_break_the_druid_schema_rules(columns: list[ColumnInfo]) -> None:
    with pytest.raises(SpecError):
        spec_for(validated(columns=columns))


@pytest.mark.parametrize("datasource", ["", ".hidden", "a/b", "tab\tname"])
def test_refuses_datasource_names_druid_cannot_use_in_a_task_id(datasource: str) -> None:
    with pytest.raises(SpecError):
        load_task_id(datasource, TASK_ID)
