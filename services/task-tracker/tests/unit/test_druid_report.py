"""Reading the Overlord's status and report: SUCCESS alone is never enough."""

from __future__ import annotations

from typing import Any

import pytest

from mauzo_task_tracker.druid_report import judge, row_stats, status_code

TASK = "mauzo_sales_abc"


def status(code: str, error: str | None = None) -> dict[str, Any]:
    return {
        "task": TASK,
        "status": {
            "id": TASK,
            "statusCode": code,
            "status": code,
            "runnerStatusCode": "NONE",
            "duration": 12,
            "errorMsg": error,
        },
    }


def report(processed: int, **others: int) -> dict[str, Any]:
    build = {
        "processed": processed,
        "processedBytes": 100,
        "processedWithError": 0,
        "thrownAway": 0,
        "unparseable": 0,
    } | others
    return {
        "ingestionStatsAndErrors": {
            "type": "ingestionStatsAndErrors",
            "taskId": TASK,
            "payload": {
                "ingestionState": "COMPLETED",
                "unparseableEvents": {},
                "rowStats": {"determinePartitions": {}, "buildSegments": build},
                "errorMsg": None,
            },
        }
    }


def test_success_with_every_row_loaded_succeeds() -> None:
    verdict = judge(TASK, status("SUCCESS"), report(1000), expected_rows=1000)
    assert verdict.status == "succeeded"
    assert verdict.rows_ingested == 1000
    assert verdict.error is None
    assert verdict.row_stats["processed"] == 1000


def test_a_running_task_has_no_verdict_yet() -> None:
    assert judge(TASK, status("RUNNING"), None, 10).status == "running"


@pytest.mark.parametrize(
    ("stats", "expected", "code"),
    [
        ({"processed": 0}, None, "no_rows_ingested"),
        ({"processed": 0}, 0, "no_rows_ingested"),
        ({"processed": 990, "unparseable": 10}, 1000, "rows_unparseable"),
        ({"processed": 1000, "processedWithError": 3}, 1000, "rows_with_errors"),
        ({"processed": 990, "thrownAway": 10}, 1000, "rows_thrown_away"),
        ({"processed": 999}, 1000, "row_count_mismatch"),
    ],
)
def test_success_that_did_not_load_every_row_is_a_failure(
    stats: dict[str, int], expected: int | None, code: str
) -> None:
    verdict = judge(TASK, status("SUCCESS"), report(**stats), expected_rows=expected)
    assert verdict.status == "failed"
    assert verdict.error is not None
    assert verdict.error.code == code
    assert TASK in verdict.error.message
    assert verdict.error.hint


def test_failed_task_carries_druids_error_message() -> None:
    verdict = judge(TASK, status("FAILED", "Max parse exceptions exceeded"), None, 10)
    assert verdict.status == "failed"
    assert verdict.error is not None
    assert verdict.error.code == "druid_task_failed"
    assert "Max parse exceptions exceeded" in verdict.error.message


def test_success_without_a_report_is_not_trusted() -> None:
    verdict = judge(TASK, status("SUCCESS"), None, 10)
    assert verdict.status == "failed"
    assert verdict.error is not None
    assert verdict.error.code == "druid_report_missing"


def test_lenient_parsing_of_odd_bodies() -> None:
    assert status_code({"status": {"status": "success"}}) == "SUCCESS"
    assert status_code({"task": TASK, "status": None}) == "UNKNOWN"
    assert status_code("garbage") == "UNKNOWN"
    assert row_stats({"ingestionStatsAndErrors": {"payload": {}}}) is None
    assert row_stats([]) is None
    missing = row_stats(report(5))
    assert missing is not None
    assert missing["unparseable"] == 0
