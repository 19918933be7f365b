"""Reading the Overlord's task answers leniently (docs/druid.md#task-status)."""

from __future__ import annotations

from mauzo_common.druid.answers import DatasourceColumns, TaskReport, TaskStatus

TASK = "mauzo_sales_abc"


def test_lenient_parsing_of_odd_bodies() -> None:
    assert TaskStatus.read({"status": {"status": "success"}}).code == "SUCCESS"
    assert TaskStatus.read({"task": TASK, "status": None}).code == "UNKNOWN"
    assert TaskStatus.read("garbage").code == "UNKNOWN"
    assert TaskReport.read({"ingestionStatsAndErrors": {"payload": {}}}).row_stats is None
    assert TaskReport.read([]).row_stats is None
    build = {"processed": 5}
    body = {"ingestionStatsAndErrors": {"payload": {"rowStats": {"buildSegments": build}}}}
    missing = TaskReport.read(body).row_stats
    assert missing is not None
    assert missing["unparseable"] == 0


def test_a_failed_status_carries_its_error_message() -> None:
    status = TaskStatus.read({"status": {"statusCode": "FAILED", "errorMsg": "boom"}})
    assert status.finished
    assert status.error_message == "boom"
    assert not TaskStatus.read({"status": {"statusCode": "RUNNING"}}).finished


def test_datasource_columns_split_dimensions_and_metrics() -> None:
    columns = DatasourceColumns.read({"dimensions": ["branch"], "metrics": ["gross"]})
    assert (columns.dimensions, columns.metrics) == (["branch"], ["gross"])
    assert DatasourceColumns.read(None) == DatasourceColumns([], [])
