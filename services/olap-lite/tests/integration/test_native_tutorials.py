"""Native queries over Druid's rollup tutorial (apache/druid/docs/tutorials/tutorial-rollup.md;
data in fixtures/rollup-data.json) through pydruid's PyDruid client against a real olap-lite
process: the rows the tutorial documents after rollup, and what they add up to."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydruid.client import PyDruid
from pydruid.utils.aggregators import count, doublesum, longsum
from pydruid.utils.filters import Dimension
from pydruid.utils.postaggregator import Field

from mauzo_common.testing.auth import druid_credentials

USER, PASSWORD = druid_credentials()


def pydruid_client(url: str) -> PyDruid:
    client = PyDruid(url, "druid/v2")
    client.set_basic_auth_credentials(USER, PASSWORD)  # type: ignore[no-untyped-call]
    return client


FIXTURES = Path(__file__).parent / "fixtures"
DS = "rollup-tutorial"
ROLLED = [  # the tutorial's table after rollup
    ["2018-01-01T01:01:00.000Z", 35937, 3, "2.2.2.2", 286, "1.1.1.1"],
    ["2018-01-01T01:02:00.000Z", 366260, 2, "2.2.2.2", 415, "1.1.1.1"],
    ["2018-01-01T01:03:00.000Z", 10204, 1, "2.2.2.2", 49, "1.1.1.1"],
    ["2018-01-02T21:33:00.000Z", 100288, 2, "8.8.8.8", 161, "7.7.7.7"],
    ["2018-01-02T21:35:00.000Z", 2818, 1, "8.8.8.8", 12, "7.7.7.7"],
]
INTERVALS = "2018-01-01/2018-01-03"


@pytest.fixture(scope="module")
def druid(
    olap_process_url: str, load_task: Any, tmp_path_factory: pytest.TempPathFactory
) -> PyDruid:
    base = tmp_path_factory.mktemp("rollup")
    (base / "rollup-data.json").write_text((FIXTURES / "rollup-data.json").read_text())
    spec = {  # examples/quickstart/tutorial/rollup-index.json in today's inputSource form
        "type": "index_parallel",
        "spec": {
            "dataSchema": {
                "dataSource": DS,
                "dimensionsSpec": {"dimensions": ["srcIP", "dstIP"]},
                "timestampSpec": {"column": "timestamp", "format": "iso"},
                "metricsSpec": [
                    {"type": "count", "name": "count"},
                    {"type": "longSum", "name": "packets", "fieldName": "packets"},
                    {"type": "longSum", "name": "bytes", "fieldName": "bytes"},
                ],
                "granularitySpec": {
                    "type": "uniform",
                    "segmentGranularity": "week",
                    "queryGranularity": "minute",
                    "intervals": [INTERVALS],
                    "rollup": True,
                },
            },
            "ioConfig": {
                "type": "index_parallel",
                "inputSource": {"type": "local", "baseDir": str(base), "filter": "*.json"},
                "inputFormat": {"type": "json"},
            },
        },
    }
    load_task(olap_process_url, spec)
    return pydruid_client(olap_process_url)


def test_scan_gives_the_rolled_up_rows(druid: PyDruid) -> None:
    columns = ["__time", "bytes", "count", "dstIP", "packets", "srcIP"]
    result = druid.scan(datasource=DS, intervals=INTERVALS, columns=columns, order="ascending")
    rows = [event for batch in result.result for event in batch["events"]]
    assert [[_iso_ms(r["__time"]), *(r[c] for c in columns[1:])] for r in rows] == ROLLED
    assert {batch["segmentId"] for batch in result.result} == {
        s["id"] for s in druid.segment_metadata(datasource=DS).result
    }


def test_time_boundary(druid: PyDruid) -> None:
    assert druid.time_boundary(datasource=DS).result == [
        {
            "timestamp": "2018-01-01T01:01:00.000Z",
            "result": {
                "minTime": "2018-01-01T01:01:00.000Z",
                "maxTime": "2018-01-02T21:35:00.000Z",
            },
        }
    ]


def test_timeseries_by_day_sums_the_rolled_rows(druid: PyDruid) -> None:
    result = druid.timeseries(
        datasource=DS,
        granularity="day",
        intervals=INTERVALS,
        aggregations={
            "rows": count("count"),
            "events": longsum("count"),
            "packets": longsum("packets"),
        },
        post_aggregations={"packets_per_event": Field("packets") / Field("events")},
    ).result
    assert result == [
        {
            "timestamp": "2018-01-01T00:00:00.000Z",
            "result": {"rows": 3, "events": 6, "packets": 750, "packets_per_event": 125.0},
        },
        {
            "timestamp": "2018-01-02T00:00:00.000Z",
            "result": {"rows": 2, "events": 3, "packets": 173, "packets_per_event": 173 / 3},
        },
    ]


def test_top_n_sources_by_bytes(druid: PyDruid) -> None:
    result = druid.topn(
        datasource=DS,
        granularity="all",
        intervals=INTERVALS,
        dimension="srcIP",
        metric="bytes",
        threshold=1,
        aggregations={"bytes": longsum("bytes")},
    ).result
    assert result == [
        {"timestamp": "2018-01-01T00:00:00.000Z", "result": [{"srcIP": "1.1.1.1", "bytes": 412401}]}
    ]


def test_group_by_pair_with_filter(druid: PyDruid) -> None:
    result = druid.groupby(
        datasource=DS,
        granularity="all",
        intervals=INTERVALS,
        dimensions=["srcIP", "dstIP"],
        filter=Dimension("dstIP") != "2.2.2.2",
        aggregations={"packets": longsum("packets"), "bytes": doublesum("bytes")},
    ).result
    assert result == [
        {
            "version": "v1",
            "timestamp": "2018-01-01T00:00:00.000Z",
            "event": {"srcIP": "7.7.7.7", "dstIP": "8.8.8.8", "packets": 173, "bytes": 103106.0},
        }
    ]


def test_segment_metadata(druid: PyDruid) -> None:
    (segment,) = druid.segment_metadata(datasource=DS, intervals=INTERVALS).result
    assert segment["numRows"] == 5
    assert segment["intervals"] == ["2018-01-01T00:00:00.000Z/2018-01-08T00:00:00.000Z"]
    columns = segment["columns"]
    assert columns["srcIP"]["cardinality"] == 2
    assert (columns["srcIP"]["minValue"], columns["srcIP"]["maxValue"]) == ("1.1.1.1", "7.7.7.7")
    assert columns["packets"]["type"] == "LONG"
    assert columns["__time"]["type"] == "LONG"


def _iso_ms(millis: int) -> str:
    from datetime import UTC, datetime

    moment = datetime.fromtimestamp(millis / 1000, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
