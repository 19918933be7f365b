"""Reading the Overlord's status and report: SUCCESS alone is never enough."""

from __future__ import annotations

import pytest

from mauzo_common.druid.answers import TaskReport, TaskStatus
from mauzo_task_tracker.druid_report import judge

TASK = "mauzo_sales_abc"


def status(code: str, error: str | None = None) -> TaskStatus:
    return TaskStatus.read(
        {
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
    )


def report(processed: int, **others: int) -> TaskReport:
    build = {
        "processed": processed,
        "processedBytes": 100,
        "processedWithError": 0,
        "thrownAway": 0,
        "unparseable": 0,
    } | others
    return TaskReport.read(
        {
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
    )


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


SUCCESS = TaskStatus.read({"status": {"statusCode": "SUCCESS"}})


def retraction_report(processed: int, thrown_away: int, unparseable: int = 0) -> TaskReport:
    stats = {"processed": processed, "thrownAway": thrown_away, "unparseable": unparseable}
    return TaskReport.read(
        {"ingestionStatsAndErrors": {"payload": {"rowStats": {"buildSegments": stats}}}}
    )


def test_a_retraction_that_leaves_no_rows_succeeds_but_a_load_of_none_fails() -> None:
    assert judge("t", SUCCESS, retraction_report(0, 5), None, "retraction").status == "succeeded"
    assert judge("t", SUCCESS, retraction_report(0, 5), None, "load").status == "failed"


def test_a_retraction_that_meets_bad_rows_fails() -> None:
    verdict = judge("t", SUCCESS, retraction_report(3, 1, unparseable=1), None, "retraction")
    assert verdict.status == "failed"
    assert verdict.error is not None
    assert verdict.error.code == "retraction_rows_lost"
