"""The retraction's reindex spec and the day chunks it covers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from mauzo_common.druid.specs import day_interval, reindex_spec, retraction_task_id


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_the_interval_covers_the_whole_days_of_the_upload() -> None:
    assert day_interval(at(2024, 3, 1, 6), at(2024, 3, 2, 9)) == (
        "2024-03-01T00:00:00.000Z/2024-03-03T00:00:00.000Z"
    )
    assert day_interval(at(2024, 3, 1), at(2024, 3, 2)) == (
        "2024-03-01T00:00:00.000Z/2024-03-02T00:00:00.000Z"
    )
    assert day_interval(at(2024, 3, 1), at(2024, 3, 1)) == (
        "2024-03-01T00:00:00.000Z/2024-03-02T00:00:00.000Z"
    )


@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1)),
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=400)),
)
def test_the_interval_is_day_aligned_and_holds_every_row(start: datetime, span: timedelta) -> None:
    first, end = start.replace(tzinfo=UTC), start.replace(tzinfo=UTC) + span
    left, right = (
        datetime.fromisoformat(p.replace("Z", "+00:00"))
        for p in day_interval(first, end).split("/")
    )
    assert left <= first
    assert end <= right
    assert left < right
    assert left.time() == right.time() == datetime.min.time()
    assert right - left <= span + timedelta(days=2)


def test_the_spec_filters_out_exactly_the_upload_and_replaces_its_days() -> None:
    spec = reindex_spec(
        druid_task_id=retraction_task_id("sales", "r1"),
        datasource="sales",
        upload_id="u1",
        interval="2024-03-01T00:00:00.000Z/2024-03-02T00:00:00.000Z",
        dimensions=[("branch", "VARCHAR"), ("upload_id", "VARCHAR"), ("n", "BIGINT")],
        metrics=[("gross_revenue", "DOUBLE"), ("units", "BIGINT")],
    )
    assert spec["id"] == "mauzo_retract_sales_r1"
    schema, io = spec["spec"]["dataSchema"], spec["spec"]["ioConfig"]
    assert schema["timestampSpec"] == {"column": "__time", "format": "millis"}
    assert schema["transformSpec"]["filter"] == {
        "type": "not",
        "field": {"type": "selector", "dimension": "upload_id", "value": "u1"},
    }
    assert schema["dimensionsSpec"]["dimensions"][2] == {"type": "long", "name": "n"}
    assert [m["type"] for m in schema["metricsSpec"]] == ["doubleSum", "longSum"]
    assert schema["granularitySpec"]["intervals"] == [io["inputSource"]["interval"]]
    assert io["inputSource"]["type"] == "druid"
    assert (io["appendToExisting"], io["dropExisting"]) == (False, True)
